/** docs/status-codes/*.md: one page per code, the same text the runner shows after an answer. */
import { GENERATED_BY, lessonSlug, table } from "./docs-common.ts";
import type { Lesson, StatusCodeDoc } from "./model.ts";

function whereShown(code: number, lessons: Lesson[]): string[] {
  return lessons.flatMap((lesson, li) =>
    lesson.steps.flatMap((step, si) =>
      step.expect.status === code
        ? [
            `- [Lesson ${li + 1}, step ${si + 1}: ${step.title}](../lessons/${lessonSlug(lesson, li)}.md#${step.id})`,
          ]
        : [],
    ),
  );
}

function headerSection(doc: StatusCodeDoc): string {
  if (doc.headers.length === 0) return "";
  const lines = doc.headers.map(
    (h) => `- \`${h.name}\`${h.always ? "" : " (on some routes)"}: ${h.why}`,
  );
  return `## Headers it carries\n\n${lines.join("\n")}\n\n`;
}

export function statusPage(doc: StatusCodeDoc, lessons: Lesson[]): string {
  const shown = whereShown(doc.code, lessons);
  return `# ${doc.code} ${doc.phrase}

<!-- Generated from packages/contracts/src/status-codes.ts (the status catalog) and apps/lessons/src/status-codes.ts by \`${GENERATED_BY}\`. Edit those files, not this one. -->

Defined in [${doc.rfc.name} §${doc.rfc.section}](${doc.rfc.url}) · [MDN](${doc.mdn}) · [all status codes](README.md)

## What it means

${doc.meaning}

## In this API

${doc.inThisApi}

${headerSection(doc)}## What a client should do

${doc.clientShould}

## Where the lessons show it

${shown.length ? shown.join("\n") : "No lesson step expects this code: it is documented because a client should know what it would mean."}
`;
}

export function statusIndex(docs: StatusCodeDoc[], lessons: Lesson[]): string {
  const rows = [...docs]
    .sort((a, b) => a.code - b.code)
    .map((d) => [
      `[${d.code}](${d.code}.md)`,
      d.phrase,
      d.when,
      `[${d.rfc.name} §${d.rfc.section}](${d.rfc.url})`,
      String(whereShown(d.code, lessons).length),
    ]);
  return `# Status codes

<!-- Generated from packages/contracts/src/status-codes.ts (the status catalog) and apps/lessons/src/status-codes.ts by \`${GENERATED_BY}\`. Edit those files, not this one. -->

Every status code this API answers with, one page each: what it means, where this API uses it,
what a client should do about it, and where it is defined. The lesson runner shows the same
text after each answer; the [lessons](../lessons/README.md) show each code happening.

${table(["code", "phrase", "when this API sends it", "defined in", "lesson steps"], rows)}
`;
}
