/**
 * Turns requests, answers and explanations into text for a terminal. Pure: a Style (colour
 * or not) and a width in, strings out, so the same code serves the screen, the transcript
 * and the tests.
 */
import { type Style, stripAnsi } from "./color.ts";
import { contentLength, type PreparedRequest, type ReceivedResponse } from "./http.ts";
import type { StatusCodeDoc, Step } from "./model.ts";
import { reasonPhrase } from "./phrases.ts";

export interface View {
  style: Style;
  /** Columns to wrap prose at. */
  width: number;
}

/** A token is a password for its lifetime: show enough to recognise it, not to reuse it. */
export function shortenToken(token: string): string {
  return token.length <= 20 ? token : `${token.slice(0, 10)}…${token.slice(-6)}`;
}

/** Token-like (long, no spaces) strings are shortened; prose only when very long. */
export function shortenString(value: string): string {
  if (value.length > 40 && !/\s/.test(value)) return shortenToken(value);
  if (value.length > 160) return `${value.slice(0, 157)}…`;
  return value;
}

function shortenDeep(value: unknown): unknown {
  if (typeof value === "string") return shortenString(value);
  if (Array.isArray(value)) return value.map(shortenDeep);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenDeep(v)]));
  }
  return value;
}

/** Greedy word wrap; keeps blank lines; never breaks a word (a URL stays clickable). */
export function wrap(text: string, width: number, indent = ""): string[] {
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        out.push(indent + line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    out.push(line ? indent + line : "");
  }
  return out;
}

/**
 * Parts joined by " · ", broken between parts, never inside one, so that a status line fits
 * `width` (the terminal would otherwise break it mid-word). Parts may carry colour.
 */
export function joinFitting(parts: string[], width: number, indent = "  "): string[] {
  const lines: string[] = [];
  let line = "";
  let used = 0;
  for (const part of parts) {
    const size = [...stripAnsi(part)].length;
    if (line && used + 3 + size > width) {
      lines.push(line);
      line = indent + part;
      used = indent.length + size;
    } else {
      line = line ? `${line} · ${part}` : part;
      used += (used ? 3 : 0) + size;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * `text` after `lead` (`  ← `, `  - `), wrapped at words, the later lines at `indent` (under
 * the text by default): left to the terminal, a long line breaks mid-word, at column 0.
 */
export function hanging(
  lead: string,
  text: string,
  width: number,
  indent = " ".repeat(lead.length),
): string[] {
  const [first = "", ...rest] = wrap(text, width - lead.length);
  return [lead + first, ...(rest.length ? wrap(rest.join(" "), width, indent) : [])];
}

/** Two spaces in; an empty line stays empty (no trailing blanks in transcripts). */
export function indent(line: string): string {
  return line === "" ? "" : `  ${line}`;
}

/** Header names as an HTTP/1.1 server would spell them. */
const CANONICAL: Record<string, string> = {
  "www-authenticate": "WWW-Authenticate",
  ratelimit: "RateLimit",
  "ratelimit-policy": "RateLimit-Policy",
  "x-request-id": "X-Request-Id",
};
export function canonicalHeader(name: string): string {
  const lower = name.toLowerCase();
  return (
    CANONICAL[lower] ??
    lower.replace(/(^|-)([a-z])/g, (_, dash, c: string) => dash + c.toUpperCase())
  );
}

/** The answer headers a lesson talks about; the rest (date, content-length…) is noise here. */
export const HEADERS_THAT_MATTER = [
  "content-type",
  "location",
  "www-authenticate",
  "retry-after",
  "ratelimit-policy",
  "ratelimit",
  "allow",
  "accept-post",
  "accept-patch",
  "cache-control",
  "pragma",
  "x-request-id",
];

function shownBody(request: PreparedRequest): string | undefined {
  if (request.body === undefined) return undefined;
  if (request.bodyKind === "oversized") {
    const spaces = Buffer.byteLength(request.body) - 10;
    return `{"pad":"          … ${spaces.toLocaleString("en-US")} spaces in all …"}`;
  }
  return request.body.length > 600
    ? `${request.body.slice(0, 600)}… (${request.body.length} characters)`
    : request.body;
}

/** The request as it goes on the wire: request line, Host, the headers we set, the body. */
export function renderRequest(request: PreparedRequest, { style }: View): string[] {
  const lines = [style.bold(`${style.cyan(request.method)} ${request.target} HTTP/1.1`)];
  const headerLine = (name: string, value: string) => `${style.dim(`${name}:`)} ${value}`;
  lines.push(headerLine("Host", request.host));
  for (const [name, value] of request.headers) {
    const shown = /^authorization$/i.test(name)
      ? value.replace(
          /^(Bearer\s+)(\S+)/i,
          (_, scheme, token: string) => scheme + shortenToken(token),
        )
      : value;
    lines.push(headerLine(name, shown));
    if (/^content-type$/i.test(name)) {
      lines.push(headerLine("Content-Length", String(contentLength(request))));
    }
  }
  const body = shownBody(request);
  if (body !== undefined) {
    if (!request.headers.some(([n]) => /^content-type$/i.test(n))) {
      lines.push(headerLine("Content-Length", String(contentLength(request))));
    }
    lines.push("", body);
  }
  return lines;
}

function statusColour(style: Style, status: number) {
  if (status < 300) return style.green;
  if (status < 500) return style.yellow;
  return style.red;
}

/** Pretty JSON with long strings shortened; other text as is, within reason. */
export function prettyBody(response: ReceivedResponse): string[] {
  if (response.text === "") return ["(no body)"];
  if (response.json !== undefined)
    return JSON.stringify(shortenDeep(response.json), null, 2).split("\n");
  const lines = response.text.split("\n");
  const kept = lines.slice(0, 12).map((l) => (l.length > 160 ? `${l.slice(0, 157)}…` : l));
  if (lines.length > kept.length) kept.push(`… (${lines.length - kept.length} more lines)`);
  return kept;
}

/** Status line, the headers that matter, the body. `all` lists every attempt of a repeat. */
export function renderResponse(
  response: ReceivedResponse,
  { style, width }: View,
  all: ReceivedResponse[] = [response],
): string[] {
  const lines: string[] = [];
  if (all.length > 1) {
    const answers = all.map((r) => r.status).join(", ");
    // Shown indented by two: the width left is two less.
    lines.push(
      ...wrap(`Sent ${all.length} times; the answers: ${answers}. The last one:`, width - 2).map(
        style.dim,
      ),
    );
  }
  const phrase = response.statusText || reasonPhrase(response.status);
  const paint = statusColour(style, response.status);
  lines.push(
    `${style.bold(paint(`HTTP/1.1 ${response.status} ${phrase}`))}  ${style.dim(`(${response.durationMs} ms)`)}`,
  );
  const byName = new Map(response.headers.map(([n, v]) => [n.toLowerCase(), v]));
  for (const name of HEADERS_THAT_MATTER) {
    const value = byName.get(name);
    if (value !== undefined) lines.push(`${style.dim(`${canonicalHeader(name)}:`)} ${value}`);
  }
  lines.push("", ...prettyBody(response));
  return lines;
}

/** `201 Created`, coloured by class. */
export function statusLabel(status: number, style: Style): string {
  return statusColour(style, status)(`${status} ${reasonPhrase(status)}`);
}

export function rfcLabel(doc: StatusCodeDoc): string {
  return `${doc.rfc.name} §${doc.rfc.section}`;
}

/**
 * What the code means, why this API chose it here, what a client should do, where it is
 * defined: the status-code page's text plus the step's own reasons.
 */
export function renderExplanation(
  step: Step,
  status: number,
  doc: StatusCodeDoc | undefined,
  { style, width }: View,
): string[] {
  const lines: string[] = [];
  const section = (label: string, text: string) => {
    lines.push(style.bold(label), ...wrap(text, width, "  "));
  };
  lines.push(
    style.bold(`${statusLabel(status, style)}${doc ? style.dim(` — ${rfcLabel(doc)}`) : ""}`),
  );
  if (doc) section("What it means", doc.meaning);
  if (status === step.expect.status) {
    section("Why this API answers it here", step.explain.why);
    const at = step.chosenAt;
    if (at) lines.push(style.dim(`  chosen at ${at.file}:${at.line}`));
    section("What a client should do", step.explain.clientShould ?? doc?.clientShould ?? "");
  } else if (doc) {
    section("What a client should do", doc.clientShould);
  }
  if (doc) {
    lines.push(style.bold("Defined in"), `  ${rfcLabel(doc)}  ${style.blue(doc.rfc.url)}`);
    lines.push(style.bold("MDN"), `  ${style.blue(doc.mdn)}`);
  }
  return lines;
}
