export {
  type Database,
  ENGINES,
  type Engine,
  emailKey,
  type ItemRow,
  type NewRefreshToken,
  type NewUser,
  type RefreshTokenRow,
  type Repository,
  ROLES,
  type Role,
  type RotationOutcome,
  type UserRow,
} from "./contract.ts";
export {
  ConstraintViolationError,
  DatabaseOpenError,
  DatabaseUnavailableError,
  DatabaseUrlError,
  ForeignKeyViolationError,
  type UnavailableReason,
  UniqueViolationError,
} from "./errors.ts";
export { type OpenOptions, openDatabase } from "./open.ts";
export {
  ACCEPTED_DATABASE_URLS,
  type DatabaseTarget,
  maskDatabaseUrl,
  parseDatabaseUrl,
} from "./url.ts";
