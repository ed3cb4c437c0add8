/**
 * Per-request facts that every response and the access log need, kept outside Elysia's
 * context so the error handler and the access-log hook can reach them for requests
 * that never matched a route.
 */
export interface RequestFacts {
  id: string;
  startedAt: number;
}

const facts = new WeakMap<Request, RequestFacts>();

// Echo a client's id only when it is short and plain: it ends up in logs and headers.
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function startRequest(request: Request): RequestFacts {
  const sent = request.headers.get("x-request-id");
  const started: RequestFacts = {
    id: sent && CLIENT_ID.test(sent) ? sent : crypto.randomUUID(),
    startedAt: performance.now(),
  };
  facts.set(request, started);
  return started;
}

export function requestFacts(request: Request): RequestFacts {
  return facts.get(request) ?? startRequest(request);
}
