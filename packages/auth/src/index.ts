export { extractBearerToken } from "./bearer.ts";
export {
  AuthError,
  InvalidTokenError,
  MissingCredentialsError,
  TokenExpiredError,
  TokenTypeError,
} from "./errors.ts";
export {
  type AccessTokenClaims,
  createJwtService,
  type JwtService,
  type JwtServiceOptions,
  MAX_TOKEN_LENGTH,
  type SignOptions,
} from "./jwt.ts";
export {
  createPasswordHasher,
  type PasswordHasher,
  type PasswordHasherOptions,
} from "./passwords.ts";
export { createRefreshToken, hashRefreshToken, looksLikeRefreshToken } from "./refresh-token.ts";
