import { MissingCredentialsError } from "./errors.ts";

// RFC 7235: the scheme is case-insensitive and separated from the credential by 1*SP. Leading and
// trailing whitespace is optional header whitespace, not part of the value. Anything else
// (e.g. `Bearer a b`) is not a Bearer credential at all, so it is "missing", not "invalid".
const BEARER = /^\s*bearer +(\S+)\s*$/i;

export function extractBearerToken(header: string | null | undefined): string {
  const token = header ? BEARER.exec(header)?.[1] : undefined;
  if (!token) throw new MissingCredentialsError();
  return token;
}
