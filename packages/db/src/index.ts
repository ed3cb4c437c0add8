export { type DatabaseHandle, type OpenOptions, openDatabase } from "./client.ts";
export {
  ConstraintViolationError,
  classifySqliteError,
  DatabaseUnavailableError,
  ForeignKeyViolationError,
  type UnavailableReason,
  UniqueViolationError,
} from "./errors.ts";
export type { NewRefreshToken, RotationOutcome } from "./refresh-tokens.ts";
export {
  createRepository,
  emailKey,
  type NewUser,
  type Repository,
  type RepositoryOptions,
} from "./repository.ts";
export { type RetryOptions, withRetry } from "./retry.ts";
export {
  type ItemRow,
  items,
  type RefreshTokenRow,
  ROLES,
  type Role,
  refreshTokens,
  type UserRow,
  users,
} from "./schema.ts";
