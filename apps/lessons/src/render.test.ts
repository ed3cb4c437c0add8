import { describe, expect, test } from "bun:test";
import { colorEnabled, createStyle, plain, stripAnsi } from "./color.ts";
import { prepareRequest, type ReceivedResponse } from "./http.ts";
import type { StatusCodeDoc, Step } from "./model.ts";
import {
  joinFitting,
  renderExplanation,
  renderRequest,
  renderResponse,
  shortenString,
  shortenToken,
  wrap,
} from "./render.ts";

const view = { style: plain, width: 80 };
const TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyIn0.abcdefXYZ123";

test("tokens are shortened to the first 10 and last 6 characters", () => {
  expect(shortenToken(TOKEN)).toBe("eyJhbGciOi…XYZ123");
  expect(shortenToken("short-token")).toBe("short-token");
  expect(shortenString("Email already registered")).toBe("Email already registered");
  expect(shortenString(`${"x".repeat(200)} words`)).toHaveLength(158);
});

describe("renderRequest: the request as on the wire", () => {
  test("request line, Host, Content-Type and Length, shortened bearer, body", () => {
    const request = prepareRequest(
      { method: "POST", path: "/users/me/items?x=1", bearer: "token", json: { title: "Buy milk" } },
      { token: TOKEN },
      "http://127.0.0.1:4321",
    );
    expect(renderRequest(request, view)).toEqual([
      "POST /users/me/items?x=1 HTTP/1.1",
      "Host: 127.0.0.1:4321",
      "Content-Type: application/json",
      "Content-Length: 20",
      "Authorization: Bearer eyJhbGciOi…XYZ123",
      "",
      '{"title":"Buy milk"}',
    ]);
  });

  test("a form is shown url-encoded, as sent", () => {
    const request = prepareRequest(
      { method: "POST", path: "/token", form: { username: "ada@example.com", password: "a b" } },
      {},
      "http://h",
    );
    expect(renderRequest(request, view).at(-1)).toBe("username=ada%40example.com&password=a+b");
  });

  test("an oversized body is summarised, with its true Content-Length", () => {
    const request = prepareRequest(
      { method: "POST", path: "/users/", oversizedJsonBytes: 70_000 },
      {},
      "http://h",
    );
    const lines = renderRequest(request, view);
    expect(lines).toContain("Content-Length: 70000");
    expect(lines.at(-1)).toBe('{"pad":"          … 69,990 spaces in all …"}');
  });

  test("a lesson's own Authorization header is shortened too, scheme kept as written", () => {
    const request = prepareRequest(
      { method: "GET", path: "/users/me", headers: { authorization: `bearer ${TOKEN}` } },
      {},
      "http://h",
    );
    expect(renderRequest(request, view)).toContain("authorization: bearer eyJhbGciOi…XYZ123");
  });
});

const response: ReceivedResponse = {
  status: 201,
  statusText: "Created",
  headers: [
    ["content-type", "application/json"],
    ["date", "Thu, 01 Jan 2026 00:00:00 GMT"],
    ["location", "/users/2"],
    ["x-request-id", "req-1"],
    ["www-authenticate", 'Bearer error="invalid_token"'],
  ],
  text: JSON.stringify({ token: TOKEN, user: { id: 2 } }),
  json: { token: TOKEN, user: { id: 2 } },
  durationMs: 12,
};

describe("renderResponse", () => {
  test("status line, only the headers that matter, pretty body with tokens shortened", () => {
    expect(renderResponse(response, view)).toEqual([
      "HTTP/1.1 201 Created  (12 ms)",
      "Content-Type: application/json",
      "Location: /users/2",
      'WWW-Authenticate: Bearer error="invalid_token"',
      "X-Request-Id: req-1",
      "",
      "{",
      '  "token": "eyJhbGciOi…XYZ123",',
      '  "user": {',
      '    "id": 2',
      "  }",
      "}",
    ]);
  });

  test("no body, and a repeated request lists every status", () => {
    const empty = {
      ...response,
      status: 204,
      statusText: "",
      headers: [],
      json: undefined,
      text: "",
    };
    const lines = renderResponse(empty, view, [empty, empty]);
    expect(lines[0]).toBe("Sent 2 times; the answers: 204, 204. The last one:");
    expect(lines[1]).toBe("HTTP/1.1 204 No Content  (12 ms)");
    expect(lines.at(-1)).toBe("(no body)");
    // Ten answers do not fit one line of 80 (indented by two): they wrap at words.
    const ten = renderResponse(empty, view, Array(10).fill(empty));
    expect(ten.slice(0, 2)).toEqual([
      "Sent 10 times; the answers: 204, 204, 204, 204, 204, 204, 204, 204, 204, 204.",
      "The last one:",
    ]);
  });
});

describe("renderExplanation", () => {
  const doc: StatusCodeDoc = {
    code: 409,
    phrase: "Conflict",
    meaning: "The request conflicts with the current state.",
    inThisApi: "Sign-up with a taken email.",
    clientShould: "Pick another email.",
    rfc: {
      name: "RFC 9110",
      section: "15.5.10",
      url: "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
    },
    mdn: "https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Status/409",
    when: "A sign-up with a taken email.",
    headers: [],
  };
  const step = {
    expect: { status: 409 },
    explain: { why: "Emails are unique." },
  } as Step;

  test("meaning, why, what to do, RFC and MDN", () => {
    expect(renderExplanation(step, 409, doc, view)).toEqual([
      "409 Conflict — RFC 9110 §15.5.10",
      "What it means",
      "  The request conflicts with the current state.",
      "Why this API answers it here",
      "  Emails are unique.",
      "What a client should do",
      "  Pick another email.",
      "Defined in",
      "  RFC 9110 §15.5.10  https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10",
      "MDN",
      "  https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Status/409",
    ]);
  });

  test("the step's own advice wins over the page's", () => {
    const own = { ...step, explain: { why: "w", clientShould: "Log in instead." } } as Step;
    expect(renderExplanation(own, 409, doc, view)).toContain("  Log in instead.");
  });
});

test("wrap keeps words whole and indents", () => {
  expect(wrap("one two three four five", 12, "  ")).toEqual([
    "  one two",
    "  three four",
    "  five",
  ]);
  expect(wrap("a\n\nb", 80)).toEqual(["a", "", "b"]);
});

test("a status line breaks between its parts, never inside one, and colour takes no room", () => {
  const parts = [
    "✓ 422 Unprocessable Content",
    "predicted 404, it was 422",
    "predictions 0 of 1 right",
    "step 3 of 5",
  ];
  expect(joinFitting(parts, 80)).toEqual([
    "✓ 422 Unprocessable Content · predicted 404, it was 422",
    "  predictions 0 of 1 right · step 3 of 5",
  ]);
  const coloured = createStyle(true);
  expect(joinFitting(parts.map(coloured.dim), 80).map(stripAnsi)).toEqual(joinFitting(parts, 80));
  expect(joinFitting(parts, 200)).toEqual([parts.join(" · ")]);
});

describe("colour", () => {
  test("on for a terminal, off for a pipe", () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
  });
  test("NO_COLOR turns it off, even on a terminal; an empty NO_COLOR does not", () => {
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
  });
  test("FORCE_COLOR turns it on for a pipe; TERM=dumb turns it off", () => {
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "1" })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "0" })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: "" })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });
  test("plain output has no escape codes; coloured output is the same text once stripped", () => {
    const request = prepareRequest({ method: "GET", path: "/" }, {}, "http://h");
    const coloured = renderRequest(request, { style: createStyle(true), width: 80 }).join("\n");
    const uncoloured = renderRequest(request, view).join("\n");
    expect(uncoloured).not.toContain("\x1b[");
    expect(coloured).toContain("\x1b[");
    expect(stripAnsi(coloured)).toBe(uncoloured);
  });
});
