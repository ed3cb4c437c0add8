/** Command-line flags. A mistake here is a usage error (exit 2) with one line saying which. */
import { parseArgs } from "node:util";

export interface Args {
  url?: string;
  auto: boolean;
  json: boolean;
  lesson?: string;
  reset: boolean;
  help: boolean;
}

export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `Status Code Lab — lessons on HTTP status codes, against the real API

Usage: bun run lessons [options]

  (no options)   the interactive runner: a menu of lessons, then each step
                 (type the status you expect, Enter sends, h hint, s skip,
                 q quit); a quiz ends each lesson
  --lesson N|ID  run just that lesson, by its number in the menu (12) or its
                 id (rate-limiting); interactive, or with --auto
  --auto         run every lesson without prompts, one line per step;
                 exit 1 if any step differs from its documentation
  --json         with --auto: print a JSON report instead (implies --auto)
  --url URL      use this API, already running (http://host:port), instead of
                 starting one in-process; the admin account comes from
                 ADMIN_EMAIL and ADMIN_PASSWORD, JWT_SECRET (optional) lets
                 expired tokens be minted; steps that need the in-process API
                 are skipped
  --reset        forget all progress, then exit
  --help         this text

Environment: LESSONS_STATE (progress file, default ./data/lessons-progress.json),
NO_COLOR / FORCE_COLOR.
Exit status: 0 done (interactive: whatever the steps answered; --auto: every
step passed), 1 a step failed (--auto) or nothing answers at --url, 2 usage
error or --url is not this API.`;

export function parseCommandLine(argv: string[]): Args {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  if (values.url !== undefined) {
    const problem = urlProblem(values.url);
    if (problem) throw new UsageError(problem);
  }
  return {
    ...(values.url !== undefined ? { url: values.url } : {}),
    ...(values.lesson !== undefined ? { lesson: values.lesson } : {}),
    auto: Boolean(values.auto || values.json),
    json: Boolean(values.json),
    reset: Boolean(values.reset),
    help: Boolean(values.help),
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      auto: { type: "boolean" },
      json: { type: "boolean" },
      lesson: { type: "string" },
      reset: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** Why `value` is not a usable `--url`, with the likely fix; undefined when it is fine. */
export function urlProblem(value: string): string | undefined {
  const shown = JSON.stringify(value);
  // `localhost:8731` parses as a URL with the scheme "localhost:": look for a missing scheme first.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    const hostAndPath = value.replace(/^\/+/, "");
    const guess = `http://${hostAndPath}`;
    if (URL.canParse(guess) && /^[\w.-]+(:\d+)?(\/|$)/.test(hostAndPath)) {
      return `--url needs a scheme: did you mean ${guess}? (got ${shown})`;
    }
    return `--url must be an absolute URL such as http://localhost:8000 (got ${shown})`;
  }
  if (!URL.canParse(value)) {
    return `--url must be an absolute URL such as http://localhost:8000 (got ${shown})`;
  }
  const { protocol } = new URL(value);
  if (protocol !== "http:" && protocol !== "https:") {
    return `--url must be http:// or https:// (got ${protocol})`;
  }
  return undefined;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(
        Math.min(
          (previous[j] as number) + 1,
          (row[j - 1] as number) + 1,
          (previous[j - 1] as number) + cost,
        ),
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}

/**
 * `--lesson` by number (as the menu and docs count, from 1) or id. A miss is a usage error
 * naming the nearest lesson: one whose id starts with or contains the text, else the closest.
 */
export function findLesson<L extends { id: string }>(lessons: readonly L[], wanted: string): L {
  const text = wanted.trim().toLowerCase();
  const all = `the lessons are 1 to ${lessons.length}: ${lessons.map((l) => l.id).join(", ")}`;
  // Every id starts with "": an empty value would "suggest" the first lesson.
  if (!text) throw new UsageError(`--lesson needs a number or an id: ${all}`);
  if (/^\d+$/.test(text)) {
    const byNumber = lessons[Number(text) - 1];
    if (byNumber) return byNumber;
    throw new UsageError(`no lesson ${text}: the lessons are numbered 1 to ${lessons.length}`);
  }
  const exact = lessons.find((l) => l.id === text);
  if (exact) return exact;
  const numbered = lessons.map((lesson, i) => ({ lesson, number: i + 1 }));
  const nearest =
    numbered.find(({ lesson }) => lesson.id.startsWith(text)) ??
    numbered.find(({ lesson }) => text.length >= 3 && lesson.id.includes(text)) ??
    numbered
      .map((n) => ({ ...n, d: distance(text, n.lesson.id) }))
      .sort((a, b) => a.d - b.d)
      .find(({ d, lesson }) => d <= Math.max(2, lesson.id.length / 3));
  const hint = nearest ? `did you mean ${nearest.lesson.id} (${nearest.number})?` : all;
  throw new UsageError(`no lesson ${JSON.stringify(wanted)}: ${hint}`);
}
