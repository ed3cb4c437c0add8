/** Pieces shared by the generated markdown and .http files. */
import type { HeaderExpectation, Lesson, Power, Step } from "./model.ts";
import { reasonPhrase } from "./phrases.ts";
import { powerWrites } from "./powers.ts";
import { canonicalHeader } from "./render.ts";

export const GENERATED_BY = "bun run --cwd apps/lessons docs";

/** `01-signing-up`: lessons sort in teaching order in any file browser. */
export function lessonSlug(lesson: Lesson, index: number): string {
  return `${String(index + 1).padStart(2, "0")}-${lesson.id}`;
}

export function transcriptName(lesson: Lesson): string {
  return `transcript-${lesson.id}.txt`;
}

export const code = (status: number) => `${status} ${reasonPhrase(status)}`;

/** Where a variable comes from, as seen from step `index`: the latest earlier step that sets it. */
export interface Source {
  step: Step;
  index: number;
  /** A JSON Pointer, `header:<name>`, or a power. */
  from: string | Power;
}

export function sourcesBefore(lesson: Lesson, index: number): Map<string, Source> {
  const sources = new Map<string, Source>();
  lesson.steps.slice(0, index + 1).forEach((step, i) => {
    // A step's own `before` powers run before it sends; its captures only after.
    for (const power of step.before ?? []) {
      const into = powerWrites(power);
      if (into) sources.set(into, { step, index: i, from: power });
    }
    if (i === index) return;
    for (const [name, from] of Object.entries(step.capture ?? {})) {
      sources.set(name, { step, index: i, from });
    }
  });
  return sources;
}

export function describeHeaderExpectation(name: string, want: HeaderExpectation): string {
  const label = `\`${canonicalHeader(name)}\``;
  if (want === "present") return `${label} is present`;
  if (want === "absent") return `${label} is absent`;
  if (want instanceof RegExp) return `${label} matches \`${want}\``;
  return `${label}: \`${want}\``;
}

/** What a variable made by a power stands for, in a sentence's words. */
export function madeByPower(power: Power): string {
  return power.power === "forge-token" ? "a forged token" : "an expired token";
}

/** What the runner does for each power, for a reader doing it by hand. */
export function powerNote(power: Power, phase: "before" | "after"): string {
  switch (power.power) {
    case "lock-database":
      return `${phase === "before" ? "Before sending" : "After the answer"}, the runner has a second connection take the database's write lock (\`BEGIN EXCLUSIVE\`), as a long migration or a backup would.`;
    case "unlock-database":
      return `${phase === "after" ? "After the answer" : "Before sending"}, that connection commits and lets go of the lock.`;
    case "mint-expired-token":
      return `The runner mints an access token for \`{{${power.userId}}}\` that expired a minute ago, signed with the API's own key, into \`{{${power.into}}}\`.`;
    case "forge-token":
      return `The runner decodes the payload of \`{{${power.token}}}\`, sets its \`sub\` to \`{{${power.userId}}}\`, encodes it again and keeps the original header and signature, into \`{{${power.into}}}\`. No key is needed for that.`;
  }
}

/** Why `--url` may skip the step, and how to see the same thing by hand. */
export function powersByHand(step: Step): string | undefined {
  const powers = [...(step.before ?? []), ...(step.after ?? [])].map((p) => p.power);
  if (powers.includes("lock-database")) {
    return "Only the in-process runner can do this (`bun run lessons`, no `--url`); with `--url` the step is skipped. By hand, against your own server: open the database with `sqlite3 ./data/app.db`, type `BEGIN EXCLUSIVE;`, send the request from another terminal, then type `COMMIT;`.";
  }
  if (powers.includes("forge-token")) {
    return "Any target can do this, `--url` too: it needs no key. By hand: split the token at its two dots, base64url-decode the middle part, change `sub`, base64url-encode it (no `=` padding) and join the three parts again.";
  }
  if (powers.includes("mint-expired-token")) {
    return "The in-process runner can always do this; with `--url` it needs the API's `JWT_SECRET` in the environment, else the step is skipped. By hand: start the API with `ACCESS_TOKEN_TTL=1`, log in, wait two seconds and use that token.";
  }
  return undefined;
}

/**
 * A markdown table with aligned columns, exactly as Biome formats it (the repository's
 * `biome check --write` also formats markdown): otherwise formatting the docs would make
 * them differ from what is generated, and the sync test would fail.
 */
export function table(header: string[], rows: string[][]): string {
  const length = (text: string) => [...text].length;
  const widths = header.map((h, i) =>
    Math.max(3, length(h), ...rows.map((r) => length(r[i] ?? ""))),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c + " ".repeat((widths[i] ?? 0) - length(c))).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
