export { extractBearerToken } from "./bearer.ts";
export {
  AuthError,
  HashingBusyError,
  InvalidTokenError,
  MissingCredentialsError,
  TokenExpiredError,
  TokenTypeError,
} from "./errors.ts";
export {
  type AccessTokenClaims,
  createJwtService,
  DEFAULT_VERIFIED_TOKEN_CACHE_SIZE,
  type JwtService,
  type JwtServiceOptions,
  MAX_TOKEN_LENGTH,
  type SignOptions,
} from "./jwt.ts";
export {
  createPasswordHasher,
  defaultHashingNiceIncrement,
  type PasswordHasher,
  type PasswordHasherOptions,
} from "./passwords.ts";
export { createRefreshToken, hashRefreshToken, looksLikeRefreshToken } from "./refresh-token.ts";
export { poolThreadCpuMillis } from "./thread-priority.ts";
export { createTokenCache, type TokenCache } from "./token-cache.ts";
