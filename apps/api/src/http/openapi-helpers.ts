import { type ErrorStatusCode, Problem } from "@statuslab/contracts";

/** Response schemas for the error statuses a route documents (catalog codes), all problem+json. */
export function problems<const S extends readonly ErrorStatusCode[]>(...statuses: S) {
  return Object.fromEntries(statuses.map((status) => [status, Problem])) as {
    [K in S[number]]: typeof Problem;
  };
}

/** OpenAPI security requirement: either scheme Swagger UI offers unlocks a bearer route. */
export const BEARER_SECURITY: Record<string, string[]>[] = [{ bearer: [] }, { oauth2: [] }];
