/**
 * Does an answer meet a step's documented expectation? Each failure is one sentence a
 * learner (or a CI log) can act on: what was looked at, what was found, what was expected.
 */
import { Value } from "@sinclair/typebox/value";
import { header, type ReceivedResponse } from "./http.ts";
import type { Expectation, HeaderExpectation } from "./model.ts";
import { reasonPhrase } from "./phrases.ts";
import { fillDeep, type Vars } from "./template.ts";

/** RFC 6901: `""` is the whole document, `~1` is `/`, `~0` is `~`. */
export function resolvePointer(
  document: unknown,
  pointer: string,
): { found: boolean; value?: unknown } {
  if (pointer === "") return { found: true, value: document };
  if (!pointer.startsWith("/")) throw new Error(`JSON Pointer must start with "/": ${pointer}`);
  let current: unknown = document;
  for (const raw of pointer.slice(1).split("/")) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(token) && Number(token) < current.length) {
      current = current[Number(token)];
    } else if (
      current !== null &&
      typeof current === "object" &&
      !Array.isArray(current) &&
      Object.hasOwn(current, token)
    ) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

/** Short, one-line, for messages. */
export function show(value: unknown): string {
  if (value instanceof RegExp) return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

function checkHeader(name: string, expected: HeaderExpectation, actual: string | undefined) {
  if (expected === "absent") {
    return actual === undefined
      ? undefined
      : `header ${name} should be absent, got ${show(actual)}`;
  }
  if (actual === undefined) {
    return `header ${name} missing${expected === "present" ? "" : `, expected ${show(expected)}`}`;
  }
  if (expected === "present") return undefined;
  if (expected instanceof RegExp) {
    return expected.test(actual)
      ? undefined
      : `header ${name} is ${show(actual)}, expected to match ${expected}`;
  }
  return actual === expected
    ? undefined
    : `header ${name} is ${show(actual)}, expected ${show(expected)}`;
}

function checkBodyValue(document: unknown, pointer: string, expected: unknown) {
  const at = resolvePointer(document, pointer);
  if (!at.found) return `body ${pointer} missing, expected ${show(expected)}`;
  if (expected instanceof RegExp) {
    return typeof at.value === "string" && expected.test(at.value)
      ? undefined
      : `body ${pointer} is ${show(at.value)}, expected to match ${expected}`;
  }
  return Bun.deepEquals(at.value, expected, true)
    ? undefined
    : `body ${pointer} is ${show(at.value)}, expected ${show(expected)}`;
}

/**
 * Every way `response` differs from `expectation`; empty when it meets it. Strings in the
 * expectation may hold placeholders (`"ada-{{run}}@example.com"`), filled from `vars`.
 */
export function checkExpectation(
  expectation: Expectation,
  response: ReceivedResponse,
  vars: Vars = {},
): string[] {
  const failures: string[] = [];
  // Not the schema: TypeBox marks schemas with symbols that a copy would lose.
  const expected: Expectation = {
    ...expectation,
    ...(expectation.headers ? { headers: fillDeep(expectation.headers, vars) } : {}),
    ...(expectation.body ? { body: fillDeep(expectation.body, vars) } : {}),
  };
  if (response.status !== expected.status) {
    const detail = problemDetail(response);
    failures.push(
      `status ${response.status} ${reasonPhrase(response.status)}, expected ${expected.status} ${reasonPhrase(expected.status)}${detail ? ` (detail: ${show(detail)})` : ""}`,
    );
  }
  for (const [name, want] of Object.entries(expected.headers ?? {})) {
    const failure = checkHeader(name.toLowerCase(), want, header(response, name));
    if (failure) failures.push(failure);
  }
  const needsJson = expected.body !== undefined || expected.schema !== undefined;
  if (needsJson && response.json === undefined) {
    failures.push(
      `body is not JSON (content-type ${show(header(response, "content-type") ?? "none")}, ${Buffer.byteLength(response.text)} bytes)`,
    );
  } else {
    for (const [pointer, want] of Object.entries(expected.body ?? {})) {
      const failure = checkBodyValue(response.json, pointer, want);
      if (failure) failures.push(failure);
    }
    if (expected.schema && !Value.Check(expected.schema, response.json)) {
      const first = Value.Errors(expected.schema, response.json).First();
      const name = expected.schema.$id ?? "the contract schema";
      failures.push(
        `body does not match ${name}${first ? `: ${first.path || "/"} ${first.message}` : ""}`,
      );
    }
  }
  if (expected.emptyBody && response.text !== "") {
    failures.push(`body should be empty, got ${Buffer.byteLength(response.text)} bytes`);
  }
  return failures;
}

/** The problem+json `detail`, when there is one: the most useful words of a failure. */
function problemDetail(response: ReceivedResponse): string | undefined {
  const detail = resolvePointer(response.json, "/detail");
  return detail.found && typeof detail.value === "string" ? detail.value : undefined;
}
