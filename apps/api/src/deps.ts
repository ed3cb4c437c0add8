import type { JwtService, PasswordHasher } from "@statuslab/auth";
import type { Repository } from "@statuslab/db";
import type { GuardedRateLimiter } from "@statuslab/rate-limiter";
import type { Server } from "bun";
import type { Config } from "./config.ts";
import type { Logger } from "./http/logger.ts";
import type { LoginThrottle } from "./modules/auth/throttle.ts";

/** Everything the services need, built once by `createApp` and handed to each module. */
export interface Deps {
  config: Config;
  repo: Repository;
  jwt: JwtService;
  hasher: PasswordHasher;
  limiter: GuardedRateLimiter;
  loginThrottle: LoginThrottle;
  /**
   * Who is calling, for login throttling: the peer address of the connection. Proxy headers
   * (X-Forwarded-For) are not trusted: any client can write them.
   */
  clientAddress: (request: Request, server: Server<unknown> | null) => string;
  log: Logger;
}
