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
                 (Enter sends, h hint, s skip, q quit)
  --lesson ID    run just that lesson (interactive, or with --auto)
  --auto         run every lesson without prompts, one line per step;
                 exit 1 if any step differs from its documentation
  --json         with --auto: print a JSON report instead (implies --auto)
  --url URL      use an API that is already running instead of starting one
                 in-process; the admin account comes from ADMIN_EMAIL and
                 ADMIN_PASSWORD, JWT_SECRET (optional) lets expired tokens be
                 minted; steps that need the in-process API are skipped
  --reset        forget which lessons are done, then exit
  --help         this text

Environment: LESSONS_STATE (progress file, default ./data/lessons-progress.json),
NO_COLOR / FORCE_COLOR.
Exit status: 0 every step passed, 1 a step failed, 2 usage error.`;

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
    let url: URL;
    try {
      url = new URL(values.url);
    } catch {
      throw new UsageError(
        `--url must be an absolute URL such as http://localhost:8000 (got ${JSON.stringify(values.url)})`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new UsageError(`--url must be http:// or https:// (got ${url.protocol})`);
    }
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
