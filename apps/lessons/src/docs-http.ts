/**
 * docs/lessons/http/*.http: each lesson as a file for VS Code's REST Client (and JetBrains'
 * HTTP client, which reads the same `###` / `# @name` layout). Where one step feeds another,
 * the later request refers to the earlier response, e.g. `{{signUp.response.body.$.token}}`.
 */
import {
  code,
  GENERATED_BY,
  lessonSlug,
  madeByPower,
  powerNote,
  powersByHand,
  type Source,
  sourcesBefore,
} from "./docs-common.ts";
import { DOCS_BASE_URL, EXAMPLE_BUILT_INS, exampleVars } from "./examples.ts";
import type { Lesson, Power, Step } from "./model.ts";
import { powerWrites } from "./powers.ts";
import { placeholdersIn } from "./template.ts";

/**
 * `sign-up` → `signUp`: request names must be identifiers, and must not shadow a file
 * variable (`{{expiredToken}}` has to stay the variable, not the request of that name).
 */
export function requestName(step: Step, lesson?: Lesson): string {
  const name = step.id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  return lesson && fileVariables(lesson).includes(name) ? `${name}Request` : name;
}

/** Variables a power makes: the reader pastes them at the top of the file. */
function mintedVariables(lesson: Lesson): { name: string; power: Power }[] {
  return lesson.steps.flatMap((s) =>
    (s.before ?? []).flatMap((power) => {
      const name = powerWrites(power);
      return name ? [{ name, power }] : [];
    }),
  );
}

function fileVariables(lesson: Lesson): string[] {
  return [
    "baseUrl",
    ...Object.keys(EXAMPLE_BUILT_INS),
    ...mintedVariables(lesson).map((v) => v.name),
  ];
}

/** RFC 6901 pointer → the JSONPath REST Client reads: `/user/id` → `$.user.id`. */
export function jsonPath(pointer: string): string {
  let path = "$";
  for (const raw of pointer.split("/").slice(1)) {
    const token = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(token)) path += `[${token}]`;
    else if (/^[A-Za-z_]\w*$/.test(token)) path += `.${token}`;
    else path += `['${token.replace(/'/g, "\\'")}']`;
  }
  return path;
}

function reference(name: string, source: Source | undefined, lesson: Lesson): string {
  if (!source || typeof source.from !== "string") return `{{${name}}}`;
  const from = source.from;
  const request = requestName(source.step, lesson);
  if (from.startsWith("header:")) {
    const header = from.slice(7).replace(/(^|-)([a-z])/g, (_, d, c: string) => d + c.toUpperCase());
    return `{{${request}.response.headers.${header}}}`;
  }
  return `{{${request}.response.body.${jsonPath(from)}}}`;
}

/** Fills placeholders with REST Client references; `quoted` JSON strings that are a whole number stay unquoted. */
function restify(text: string, sources: Map<string, Source>, lesson: Lesson): string {
  return text.replace(/\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g, (_, name: string) =>
    reference(name, sources.get(name), lesson),
  );
}

function formBody(
  form: Record<string, string>,
  sources: Map<string, Source>,
  lesson: Lesson,
): string {
  // Encode the literal text but not the {{…}} references, which REST Client fills in.
  const encode = (value: string) =>
    value
      .split(/(\{\{[^}]*\}\})/)
      .map((part, i) => (i % 2 ? restify(part, sources, lesson) : encodeURIComponent(part)))
      .join("");
  return Object.entries(form)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encode(v)}`)
    .join("&");
}

function requestBlock(lesson: Lesson, step: Step, index: number): string {
  const sources = sourcesBefore(lesson, index);
  const examples = exampleVars(lesson);
  const lines = [
    "###",
    `# @name ${requestName(step, lesson)}`,
    `# ${index + 1}. ${step.title} — expect ${code(step.expect.status)}`,
  ];
  const comments: string[] = [];
  for (const power of step.before ?? []) comments.push(powerNote(power, "before"));
  for (const power of step.after ?? []) comments.push(powerNote(power, "after"));
  const byHand = powersByHand(step);
  if (byHand) comments.push(byHand);
  if (step.repeat && step.repeat > 1) comments.push(`Send this ${step.repeat} times.`);
  if (step.waitForRetryAfter)
    comments.push("Wait the Retry-After seconds of the previous answer first.");
  const uses = new Set([
    ...placeholdersIn(step.request),
    ...(step.request.bearer ? [step.request.bearer] : []),
  ]);
  for (const [name, source] of sources) {
    if (typeof source.from !== "string" && uses.has(name)) {
      comments.push(
        `{{${name}}} cannot be made here: set @${name} at the top of this file to ${madeByPower(source.from)}.`,
      );
    }
  }
  lines.push(...comments.map((c) => `# ${c}`));

  const { request } = step;
  lines.push(`${request.method} {{baseUrl}}${restify(request.path, sources, lesson)} HTTP/1.1`);
  const headers: [string, string][] = [];
  let body: string | undefined;
  if (request.json !== undefined) {
    headers.push(["Content-Type", "application/json"]);
    // A whole-placeholder string holding a number (an id) goes into the JSON unquoted.
    body = JSON.stringify(request.json, null, 2).replace(
      /"\{\{\s*(\w+)\s*\}\}"/g,
      (whole, name: string) =>
        typeof examples[name] === "number" ? reference(name, sources.get(name), lesson) : whole,
    );
    body = restify(body, sources, lesson);
  } else if (request.form) {
    headers.push(["Content-Type", "application/x-www-form-urlencoded"]);
    body = formBody(request.form, sources, lesson);
  } else if (request.raw) {
    headers.push(["Content-Type", request.raw.contentType]);
    body = restify(request.raw.body, sources, lesson);
  } else if (request.oversizedJsonBytes !== undefined) {
    headers.push(["Content-Type", "application/json"]);
    lines.push(
      `# The body is ${request.oversizedJsonBytes} bytes; make it first with: printf '{"pad":"%${request.oversizedJsonBytes - 10}s"}' '' > oversized.json`,
    );
    body = "< ./oversized.json";
  }
  if (request.bearer)
    headers.push([
      "Authorization",
      `Bearer ${reference(request.bearer, sources.get(request.bearer), lesson)}`,
    ]);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const at = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    const entry: [string, string] = [
      name.replace(/(^|-)([a-z])/g, (_, d, c: string) => d + c.toUpperCase()),
      restify(value, sources, lesson),
    ];
    if (at === -1) headers.push(entry);
    else headers[at] = entry;
  }
  lines.push(...headers.map(([n, v]) => `${n}: ${v}`));
  if (body !== undefined) lines.push("", body);
  return lines.join("\n");
}

export function httpFile(lesson: Lesson, index: number): string {
  const minted = mintedVariables(lesson);
  const head = [
    `# Lesson ${index + 1}: ${lesson.title}`,
    `# Generated from apps/lessons/src/lessons/${lesson.id}.ts by \`${GENERATED_BY}\`; edit the lesson, not this file.`,
    `# Read along: ../${lessonSlug(lesson, index)}.md. Send the requests in order: later ones use earlier answers.`,
    "# Start the API first (bun run start). Change @run for fresh e-mail addresses on each replay;",
    "# @adminEmail/@adminPassword must be the API's ADMIN_EMAIL/ADMIN_PASSWORD.",
    "",
    `@baseUrl = ${DOCS_BASE_URL}`,
    `@run = ${EXAMPLE_BUILT_INS.run}`,
    `@adminEmail = ${EXAMPLE_BUILT_INS.adminEmail}`,
    `@adminPassword = ${EXAMPLE_BUILT_INS.adminPassword}`,
    ...minted.map(({ name, power }) =>
      power.power === "forge-token"
        ? `@${name} = paste-a-token-whose-sub-you-edited-here`
        : `@${name} = paste-an-expired-access-token-here`,
    ),
  ];
  return `${[head.join("\n"), ...lesson.steps.map((step, i) => requestBlock(lesson, step, i))].join("\n\n")}\n`;
}
