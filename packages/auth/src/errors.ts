// Each class maps to a distinct 401 body in the API, which matches on the class (or `name`), so
// `name` is set explicitly rather than derived from `new.target`, which bundlers may mangle.
// Messages are fixed strings: they end up in logs and responses, and must never echo the token.

export class AuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthError";
  }
}

export class MissingCredentialsError extends AuthError {
  constructor() {
    super("Not authenticated");
    this.name = "MissingCredentialsError";
  }
}

export class InvalidTokenError extends AuthError {
  constructor() {
    super("Invalid token");
    this.name = "InvalidTokenError";
  }
}

export class TokenExpiredError extends AuthError {
  constructor() {
    super("Token expired");
    this.name = "TokenExpiredError";
  }
}

export class TokenTypeError extends AuthError {
  constructor() {
    super("Could not validate credentials");
    this.name = "TokenTypeError";
  }
}

/**
 * Too much password hashing is already waiting: the request is refused at once rather than
 * queued without bound. Not an AuthError (nothing is wrong with the credentials); the API
 * answers 503 with `Retry-After: retryAfterSeconds`. `lane` says whose queue was full.
 */
export class HashingBusyError extends Error {
  constructor(
    readonly lane: "hash" | "verify",
    readonly retryAfterSeconds: number,
  ) {
    super("Too many passwords are being checked; try again shortly");
    this.name = "HashingBusyError";
  }
}
