/**
 * Typed steps → data. A lesson writes a well-formed request as a call of the typed client;
 * here that call is made once against a recording fetcher, and what the client would have put
 * on the wire becomes the step's `RequestSpec`, placeholders and all. From then on a typed step
 * is filled, shown, sent, rendered as curl and as a .http file exactly like a raw one.
 */
import { createClient, withToken } from "@statuslab/client";
import type { ApiCall, HttpMethod, Lesson, LessonSource, RequestSpec } from "./model.ts";

/** Never contacted: the recording fetcher answers every request itself. */
const RECORDING_BASE = "http://lesson.invalid";

/** The options of a call sent with the access token held in variable `variable`. */
export const bearer = (variable: string) => withToken(`{{${variable}}}`);

const WHOLE_BEARER = /^Bearer \{\{([A-Za-z_][\w.-]*)\}\}$/;

/** The client percent-encodes query values; a placeholder in one is put back as written. */
const unescapePlaceholders = (target: string) =>
  target.replace(/%7B%7B([A-Za-z_][\w.-]*)%7D%7D/gi, "{{$1}}");

function toSpec(url: string, init: RequestInit): RequestSpec {
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const spec: RequestSpec = {
    method: (init.method ?? "GET") as HttpMethod,
    path: unescapePlaceholders(url.slice(RECORDING_BASE.length)),
  };
  const contentType = headers["content-type"];
  delete headers["content-type"];
  if (init.body !== undefined && init.body !== null) {
    const body = String(init.body);
    if (contentType === "application/json") spec.json = JSON.parse(body);
    else if (contentType === "application/x-www-form-urlencoded")
      spec.form = Object.fromEntries(new URLSearchParams(body));
    else throw new Error(`a typed step sent a ${contentType ?? "untyped"} body`);
  }
  const token = headers.authorization?.match(WHOLE_BEARER)?.[1];
  if (token) {
    spec.bearer = token;
    delete headers.authorization;
  }
  if (Object.keys(headers).length) spec.headers = headers;
  return spec;
}

/** The one request `call` sends, as data. */
export async function recordRequest(call: ApiCall): Promise<RequestSpec> {
  const sent: RequestSpec[] = [];
  const api = createClient(RECORDING_BASE, {
    fetcher: async (url, init) => {
      sent.push(toSpec(url, init));
      return new Response(null, { status: 204 });
    },
  });
  await call(api);
  const [only, ...more] = sent;
  if (!only || more.length) {
    throw new Error(`a typed step must send exactly one request; this one sent ${sent.length}`);
  }
  return only;
}

/** A lesson as written → the lesson as data: each typed call recorded into its request. */
export async function recordLesson(source: LessonSource): Promise<Lesson> {
  const steps = await Promise.all(
    source.steps.map(async (step) => ({
      ...step,
      request:
        typeof step.request === "function" ? await recordRequest(step.request) : step.request,
    })),
  );
  return { ...source, steps };
}
