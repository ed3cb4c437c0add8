/**
 * Per-request facts that every response and the access log need, keyed by the Request
 * rather than written onto Elysia's context: a hook that writes to the context must take it
 * whole, and Elysia then builds headers, cookies and query for every route (app.ts).
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
