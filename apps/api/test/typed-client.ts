/**
 * A typed client over the in-process app for the module tests: Eden Treaty 2 on the app's own
 * type, so a happy path that drifts from the routes stops compiling. `@statuslab/client` is the
 * same thing for everyone else, but it imports the API, so the API's tests cannot import it.
 */
import { expect } from "bun:test";
import { treaty } from "@elysiajs/eden";
import type { App } from "../src/app.ts";

/** The OAuth2 routes take forms (as `@statuslab/client`'s FORM_ROUTES). */
const FORM_PATHS = new Set(["/token", "/token/revoke"]);

export function typedClient(app: App) {
  return treaty<App>(app, {
    // Dates stay the strings the contract's types say they are.
    parseDate: false,
    // Eden has serialised the body as JSON by now; these routes want the same fields as a form.
    onRequest(path, init) {
      if (!FORM_PATHS.has(path) || typeof init.body !== "string") return;
      const fields = JSON.parse(init.body) as Record<string, unknown>;
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) {
        if (value !== undefined && value !== null) form.append(name, String(value));
      }
      return {
        body: form.toString(),
        headers: { "content-type": "application/x-www-form-urlencoded" },
      };
    },
  });
}

export type TypedClient = ReturnType<typeof typedClient>;

interface Answer {
  data: unknown;
  error: { status: unknown; value: unknown } | null;
  status: number;
  response: Response;
}

/** Asserts a success with `status` (default 200), a JSON body if any, and returns the body. */
export function expectOk<R extends Answer>(
  answer: R,
  status = 200,
): NonNullable<Extract<R, { error: null }>["data"]> {
  if (answer.error) {
    throw new Error(
      `expected ${status}, got ${answer.status}: ${JSON.stringify(answer.error.value)}`,
    );
  }
  expect(answer.status).toBe(status);
  if (answer.data) {
    expect(answer.response.headers.get("content-type")).toStartWith("application/json");
  }
  return answer.data as NonNullable<Extract<R, { error: null }>["data"]>;
}

/** The options of a call made with an access token. */
export const withToken = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
