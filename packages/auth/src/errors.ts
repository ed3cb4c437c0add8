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
