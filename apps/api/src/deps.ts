import type { JwtService, PasswordHasher } from "@statuslab/auth";
import type { Repository } from "@statuslab/db";
import type { GuardedRateLimiter, RateLimitStore } from "@statuslab/rate-limiter";
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
  /** Sign-ups per client address (SIGNUP_RATE_LIMIT); fails open, see modules/users/service.ts. */
  signupLimiter: GuardedRateLimiter;
  /** The store behind the limiters and the login throttle; `/health` pings it when it can (Redis). */
  rateLimitStore: RateLimitStore;
  loginThrottle: LoginThrottle;
  /**
   * Who is calling, for login throttling: the peer address of the connection, or, behind the
   * proxies TRUST_PROXY names, the first address in X-Forwarded-For, from the right, that is
   * not one of them (http/client-address.ts). Without TRUST_PROXY the header is never read:
   * any client can write it.
   */
  clientAddress: (request: Request, server: Server<unknown> | null) => string;
  log: Logger;
}
