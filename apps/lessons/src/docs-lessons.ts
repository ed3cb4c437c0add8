/** docs/lessons/*.md: each lesson as a page a person can read without running anything. */
import { challengeSections } from "./challenges/docs.ts";
import { codeLinkLabel } from "./code-links.ts";
import { plain } from "./color.ts";
import { curlCommand } from "./curl.ts";
import {
  code,
  describeHeaderExpectation,
  GENERATED_BY,
  lessonSlug,
  madeByPower,
  powerNote,
  powersByHand,
  sourcesBefore,
  table,
  transcriptName,
} from "./docs-common.ts";
import { DOCS_BASE_URL, exampleVars } from "./examples.ts";
import { show } from "./expect.ts";
import { prepareRequest } from "./http.ts";
import type { Lesson, StatusCodeDoc, Step } from "./model.ts";
import { renderRequest } from "./render.ts";
import type { Vars } from "./template.ts";

const view = { style: plain, width: 100 };

function fence(language: string, text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${language}\n${text}\n${ticks}`;
}

function expectationList(step: Step, vars: Vars): string[] {
  const lines: string[] = [];
  for (const [name, want] of Object.entries(step.expect.headers ?? {})) {
    lines.push(`- header ${describeHeaderExpectation(name, want)}`);
  }
  for (const [pointer, want] of Object.entries(step.expect.body ?? {})) {
    const value =
      typeof want === "string"
        ? want.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, n: string) => String(vars[n]))
        : want;
    lines.push(
      `- body \`${pointer}\` ${value instanceof RegExp ? `matches \`${value}\`` : `is \`${show(value)}\``}`,
    );
  }
  if (step.expect.schema) {
    const name = step.expect.schema.$id;
    lines.push(
      `- the body validates against ${name ? `the contract's \`${name}\` schema` : "the contract schema"}`,
    );
  }
  if (step.expect.emptyBody) lines.push("- no body at all");
  return lines;
}

function tokenComment(lesson: Lesson, index: number, variable: string): string {
  const source = sourcesBefore(lesson, index).get(variable);
  if (!source) return `the value of {{${variable}}}`;
  if (typeof source.from !== "string") return `${madeByPower(source.from)} (see the note above)`;
  return `the token from step ${source.index + 1} (${source.step.title}), ${source.from.startsWith("header:") ? `its ${source.from.slice(7)} header` : `\`${source.from}\` in its body`}`;
}

function stepSection(
  lesson: Lesson,
  step: Step,
  index: number,
  docs: StatusCodeDoc[],
  vars: Vars,
  isSetup: boolean,
): string {
  const parts: string[] = [];
  const status = step.expect.status;
  const doc = docs.find((d) => d.code === status);
  const setup = isSetup ? " (setup)" : "";
  parts.push(`<a id="${step.id}"></a>\n\n## ${index + 1}. ${step.title} — ${code(status)}${setup}`);
  parts.push(step.story);

  const notes: string[] = [];
  for (const power of step.before ?? []) notes.push(powerNote(power, "before"));
  for (const power of step.after ?? []) notes.push(powerNote(power, "after"));
  const byHand = powersByHand(step);
  if (byHand) notes.push(byHand);
  if (step.needsAdmin)
    notes.push(
      "Uses the admin account: with `--url`, set `ADMIN_EMAIL` and `ADMIN_PASSWORD` as the API has them, or the step is skipped.",
    );
  if (step.waitForRetryAfter)
    notes.push(
      "Before sending, the runner counts down the `Retry-After` seconds of the previous answer.",
    );
  if (step.optional)
    notes.push(
      "`--auto` skips this step (it would wait out a whole rate-limit window); the interactive runner runs it.",
    );
  if (notes.length) parts.push(notes.map((n) => `> ${n}`).join("\n>\n"));

  const request = prepareRequest(step.request, vars, DOCS_BASE_URL);
  const times =
    step.repeat && step.repeat > 1
      ? ` Sent ${step.repeat} times; every answer must be the same.`
      : "";
  parts.push(
    `The request, as it goes on the wire:${times}`,
    fence("http", renderRequest(request, view).join("\n")),
  );

  const expected = expectationList(step, vars);
  parts.push(`**Expected:** \`${code(status)}\`${expected.length ? ", with" : ""}`);
  if (expected.length) parts.push(expected.join("\n"));
  const captures = Object.entries(step.capture ?? {});
  if (captures.length) {
    parts.push(
      `**Kept for later steps:** ${captures
        .map(
          ([name, from]) =>
            `\`{{${name}}}\` ← ${from.startsWith("header:") ? `header \`${from.slice(7)}\`` : `body \`${from}\``}`,
        )
        .join(", ")}`,
    );
  }

  parts.push(`**Why ${status} here.** ${step.explain.why}`);
  if (step.chosenAt) {
    const at = step.chosenAt;
    parts.push(`**Chosen in the code:** [\`${codeLinkLabel(at)}\`](../../${at.file}#L${at.line})`);
  }
  // A setup step is on the way to the point: its code's general page is one link away.
  const clientShould = step.explain.clientShould ?? (isSetup ? undefined : doc?.clientShould);
  if (clientShould) parts.push(`**What a client should do.** ${clientShould}`);
  if (doc && isSetup) {
    parts.push(
      `See [the ${status} page](../status-codes/${status}.md) for what ${code(status)} means.`,
    );
  } else if (doc) {
    parts.push(
      `**${code(status)}** — ${doc.meaning} Defined in [${doc.rfc.name} §${doc.rfc.section}](${doc.rfc.url}); see also [the ${status} page](../status-codes/${status}.md) and [MDN](${doc.mdn}).`,
    );
  }

  const token = request.bearerVar ? tokenComment(lesson, index, request.bearerVar) : undefined;
  parts.push(
    "Try it by hand:",
    fence("sh", curlCommand(request, token ? { tokenComment: token } : {})),
  );
  parts.push(`<details><summary>Hint</summary>\n\n${step.hint}\n\n</details>`);
  return parts.join("\n\n");
}

/** `setup`: the steps the runner treats as setup (dependencies.ts), marked the same way here. */
export function lessonPage(
  lesson: Lesson,
  index: number,
  docs: StatusCodeDoc[],
  setup: ReadonlySet<Step>,
): string {
  const slug = lessonSlug(lesson, index);
  const vars = exampleVars(lesson);
  const parts = [
    `# Lesson ${index + 1}: ${lesson.title}`,
    `<!-- Generated from apps/lessons/src/lessons/${lesson.id}.ts by \`${GENERATED_BY}\`. Edit the lesson, not this file. -->`,
    lesson.intro,
    `Run it: \`bun run lessons --lesson ${lesson.id}\` · the same requests for VS Code REST Client or JetBrains: [http/${slug}.http](http/${slug}.http) · placeholders such as \`{{run}}\` are shown with example values (\`${vars.run}\`).`,
    lesson.steps
      .map((step, i) => `${i + 1}. [${step.title}](#${step.id}) — ${code(step.expect.status)}`)
      .join("\n"),
    ...lesson.steps.map((step, i) => stepSection(lesson, step, i, docs, vars, setup.has(step))),
    ...challengeSections(lesson.id, slug),
    `## Takeaway\n\n${lesson.takeaway}`,
  ];
  return `${parts.join("\n\n")}\n`;
}

export function lessonsIndex(lessons: Lesson[]): string {
  const rows = lessons.map((lesson, i) => {
    const slug = lessonSlug(lesson, i);
    const codes = [...new Set(lesson.steps.map((s) => s.expect.status))].sort((a, b) => a - b);
    return [
      String(i + 1),
      `[${lesson.title}](${slug}.md)`,
      codes.map((c) => `[${c}](../status-codes/${c}.md)`).join(" "),
      `[${slug}.http](http/${slug}.http)`,
    ];
  });
  const first = lessons[0];
  return `# Lessons

<!-- Generated by \`${GENERATED_BY}\` from apps/lessons/src/lessons/. Edit the lessons, not this file. -->

Each lesson is a short story told in HTTP requests against this API: what is sent, what comes
back, why this status code and not another, and what a client should do about it. Every status
code the API answers with has its own page in [../status-codes/](../status-codes/README.md).

Run them yourself:

\`\`\`sh
bun install
bun run lessons                       # the interactive runner: a menu, then predict and send each request
bun run lessons --lesson signing-up   # just one lesson
bun run lessons --auto                # every step, no prompts: does the API still answer as documented?
bun run lessons --url http://localhost:8000   # replay against an API you started (bun run start)
\`\`\`

With no \`--url\` the runner starts the API in-process on a temporary database, with its own admin
account, and stops it when you quit. Before each request (setup steps aside) you type the status
you expect (e.g. \`404\`) and Enter, or Enter alone to send without a guess; \`h\` shows a hint,
\`s\` skips a step, \`q\` quits. Each lesson ends with a short quiz and a challenge you solve from
another terminal.

${table(["#", "lesson", "status codes", "requests"], rows)}
${first ? `\nWhat a session looks like: [${transcriptName(first)}](${transcriptName(first)}), a plain-text run of lesson 1.\n` : ""}
These pages, the \`.http\` files in [http/](http/) and the status-code pages are generated from
the lesson data (\`apps/lessons/src/lessons/*.ts\`, \`apps/lessons/src/status-codes.ts\`) by
\`${GENERATED_BY}\`; a test fails when they are out of date. \`bun run lessons --auto\`
checks the same data against the running API, so the docs cannot drift from what it does.
`;
}
