import { extractBearerToken } from "@statuslab/auth";
import type { TokenResponse } from "@statuslab/contracts";
import type { UserRow } from "@statuslab/db";
import type { Deps } from "../../deps.ts";
import { CredentialsRejectedError } from "../../http/errors.ts";
import { IncorrectCredentialsError } from "../../http/problems.ts";

const SUBJECT = /^[1-9][0-9]{0,14}$/;

/**
 * Who is calling: the token proves an id, the database says whether that user still
 * exists and what role they have now (never a role frozen in the token).
 */
export async function authenticate(
  deps: Deps,
  authorization: string | undefined,
): Promise<UserRow> {
  const token = extractBearerToken(authorization);
  const claims = await deps.jwt.verify(token);
  if (!SUBJECT.test(claims.sub)) throw new CredentialsRejectedError();
  const user = await deps.repo.findUserById(Number(claims.sub));
  if (!user) throw new CredentialsRejectedError();
  return user;
}

export async function issueAccessToken(deps: Deps, user: UserRow) {
  return { token: await deps.jwt.sign(String(user.id)), expiresIn: deps.config.accessTokenTtl };
}

/**
 * The OAuth2 password grant. An unknown email still pays for one argon2id verification,
 * against a dummy hash, so the answer and its timing do not reveal who has an account.
 */
export async function login(deps: Deps, email: string, password: string): Promise<TokenResponse> {
  const user = await deps.repo.findUserByEmail(email);
  const valid = user
    ? await deps.hasher.verify(password, user.passwordHash)
    : await deps.hasher.verifyAgainstDummy(password);
  if (!user || !valid) throw new IncorrectCredentialsError();
  const { token, expiresIn } = await issueAccessToken(deps, user);
  return { access_token: token, token_type: "bearer", expires_in: expiresIn };
}
