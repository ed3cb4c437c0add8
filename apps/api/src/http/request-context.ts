/**
 * Per-request facts that every response and the access log need: the request id and when the
 * request started. They live on Elysia's per-request `set`, which every hook that answers can
 * destructure: the id where the response takes it from anyway (`set.headers`), the start time
 * beside it. A hook that wrote onto the context itself would have to take the context whole,
 * and Elysia then builds headers, cookies and query for every route (app.ts). A WeakMap keyed
 * by the Request would be a second store, and a set and a get more per request.
 */
export interface RequestSet {
  headers: Record<string, unknown>;
  /** `performance.now()` when `startRequest` ran. */
  startedAt?: number;
}

// Echo a client's id only when it is short and plain: it ends up in logs and headers.
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Gives the request its id (the client's, when plain, or a fresh UUID) and its start time. */
export function startRequest(request: Request, set: RequestSet): void {
  const sent = request.headers.get("x-request-id");
  set.headers["x-request-id"] = sent && CLIENT_ID.test(sent) ? sent : crypto.randomUUID();
  set.startedAt = performance.now();
}

/** The id `startRequest` gave; a request it never saw gets one now, so no answer lacks it. */
export function requestId(request: Request, set: RequestSet): string {
  const id = set.headers["x-request-id"];
  if (typeof id === "string") return id;
  startRequest(request, set);
  return set.headers["x-request-id"] as string;
}

/** Milliseconds since `startRequest`, to two decimals (0 for a request it never saw). */
export function elapsedMs(set: RequestSet): number {
  return set.startedAt === undefined
    ? 0
    : Math.round((performance.now() - set.startedAt) * 100) / 100;
}
