import type { JwtService, PasswordHasher } from "@statuslab/auth";
import type { Repository } from "@statuslab/db";
import type { GuardedRateLimiter } from "@statuslab/rate-limiter";
import type { Config } from "./config.ts";
import type { Logger } from "./http/logger.ts";

/** Everything the services need, built once by `createApp` and handed to each module. */
export interface Deps {
  config: Config;
  repo: Repository;
  jwt: JwtService;
  hasher: PasswordHasher;
  limiter: GuardedRateLimiter;
  log: Logger;
}
