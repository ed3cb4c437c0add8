import {
  createRefreshToken,
  extractBearerToken,
  hashRefreshToken,
  looksLikeRefreshToken,
} from "@statuslab/auth";
import type { TokenRequest, TokenResponse } from "@statuslab/contracts";
import { ForeignKeyViolationError, type UserRow } from "@statuslab/db";
import type { Deps } from "../../deps.ts";
import {
  CredentialsRejectedError,
  IncorrectCredentialsError,
  MissingFieldsError,
  RefreshTokenRejectedError,
} from "../../http/problems.ts";

const SUBJECT = /^[1-9][0-9]{0,14}$/;

/**
 * Who is calling: the token proves an id, the database says whether that user still
 * exists and what role they have now (never a role frozen in the token).
 */
export async function authenticate(
  deps: Pick<Deps, "jwt" | "repo">,
  authorization: string | null | undefined,
): Promise<UserRow> {
  const token = extractBearerToken(authorization);
  // A refresh token proves nothing on its own: it is only good for POST /token.
  if (looksLikeRefreshToken(token)) throw new CredentialsRejectedError();
  // HMAC under a key imported once, then a bounded cache of verified tokens.
  const claims = deps.jwt.verifySync(token);
  if (!SUBJECT.test(claims.sub)) throw new CredentialsRejectedError();
  const id = Number(claims.sub);
  const user = await deps.repo.findUserById(id);
  if (!user) throw new CredentialsRejectedError();
  return user;
}

export async function issueAccessToken(deps: Pick<Deps, "jwt" | "config">, user: UserRow) {
  return { token: await deps.jwt.sign(String(user.id)), expiresIn: deps.config.accessTokenTtl };
}

/** An access token plus a refresh token starting (or continuing) a family. */
async function tokenPair(
  deps: Pick<Deps, "jwt" | "config">,
  user: UserRow,
  refreshToken: string,
): Promise<TokenResponse> {
  const { token, expiresIn } = await issueAccessToken(deps, user);
  return {
    access_token: token,
    token_type: "bearer",
    expires_in: expiresIn,
    refresh_token: refreshToken,
  };
}

/**
 * The OAuth2 password grant. An unknown email still pays for one argon2id verification,
 * against a dummy hash, so the answer and its timing do not reveal who has an account.
 * Each login starts a new refresh-token family with an absolute end REFRESH_TOKEN_TTL away.
 */
type LoginDeps = Pick<Deps, "config" | "hasher" | "jwt" | "loginThrottle" | "repo">;

export async function login(
  deps: LoginDeps,
  email: string,
  password: string,
  address: string,
): Promise<TokenResponse> {
  // Reserved before the password is checked, so parallel attempts cannot overrun the limits.
  const attempt = await deps.loginThrottle.reserve(email, address);
  let user: UserRow | undefined;
  let valid: boolean;
  try {
    user = await deps.repo.findUserByEmail(email);
    valid = user
      ? await deps.hasher.verify(password, user.passwordHash)
      : await deps.hasher.verifyAgainstDummy(password);
  } catch (error) {
    // The check could not run (database down, hashing queue full): nothing was guessed.
    await attempt.cancel();
    throw error;
  }
  // A wrong password keeps the reservation: it is the failure's record.
  if (!user || !valid) throw new IncorrectCredentialsError();
  await attempt.succeeded();
  const { token, hash } = createRefreshToken();
  try {
    await deps.repo.insertRefreshToken({
      tokenHash: hash,
      familyId: crypto.randomUUID(),
      userId: user.id,
      expiresAt: Date.now() + deps.config.refreshTokenTtl * 1000,
    });
  } catch (error) {
    // The account was deleted while its password was being checked: there is nobody to log in.
    if (error instanceof ForeignKeyViolationError) throw new IncorrectCredentialsError();
    throw error;
  }
  return tokenPair(deps, user, token);
}

/** The refresh grant: spends the token, returns a new pair in the same family. */
export async function refresh(
  deps: Pick<Deps, "config" | "jwt" | "log" | "repo">,
  refreshToken: string,
): Promise<TokenResponse> {
  const next = createRefreshToken();
  const result = await deps.repo.rotateRefreshToken(
    hashRefreshToken(refreshToken),
    next.hash,
    Date.now(),
  );
  if (result.outcome === "reused") {
    deps.log.warn("refresh token replayed; family revoked", { user_id: result.userId });
  }
  if (result.outcome !== "rotated") throw new RefreshTokenRejectedError(result.outcome);
  const user = await deps.repo.findUserById(result.userId);
  // Deleting a user deletes their tokens, so this is only a delete racing this refresh.
  if (!user) throw new RefreshTokenRejectedError("revoked");
  return tokenPair(deps, user, next.token);
}

/** POST /token: which fields are required depends on the grant. */
export async function grant(
  deps: LoginDeps & Pick<Deps, "log">,
  form: TokenRequest,
  address: string,
): Promise<TokenResponse> {
  if (form.grant_type === "refresh_token") {
    if (form.refresh_token === undefined) throw new MissingFieldsError(["refresh_token"]);
    return refresh(deps, form.refresh_token);
  }
  const missing = (["username", "password"] as const).filter((field) => form[field] === undefined);
  if (form.username === undefined || form.password === undefined)
    throw new MissingFieldsError(missing);
  return login(deps, form.username, form.password, address);
}

/** RFC 7009: revoke the token's family if it is one of ours; say nothing either way. */
export async function revoke(deps: Pick<Deps, "repo">, token: string): Promise<void> {
  if (looksLikeRefreshToken(token))
    await deps.repo.revokeRefreshFamily(hashRefreshToken(token), Date.now());
}
