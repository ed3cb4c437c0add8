#!/usr/bin/env bun
/**
 * `bun run lessons`: the entry point. Picks the target (in-process API, or `--url`), then the
 * mode (interactive, or `--auto`), and makes sure the in-process API is shut down however
 * the run ends — finished, failed, `q`, or Ctrl-C.
 */
import { type Args, findLesson, parseCommandLine, USAGE, UsageError } from "./args.ts";
import { runAuto } from "./auto.ts";
import { challengesOf, runChallenges } from "./challenges/index.ts";
import { colorEnabled, createStyle } from "./color.ts";
import { type Input, lineInput, terminalInput } from "./input.ts";
import { runInteractive } from "./interactive.ts";
import { lessons } from "./lessons/index.ts";
import type { Lesson } from "./model.ts";
import { progressPath, progressProblem, resetProgress } from "./progress.ts";
import { statusCodes } from "./status-codes.ts";
import { remoteTarget, startInProcess, type Target } from "./target.ts";
import { notThisApi } from "./url-check.ts";

const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;
const EXIT_BROKEN_PIPE = 141;

async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bun run lessons: ${error.message}\nTry --help.`);
    return EXIT_USAGE;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  // `--auto` keeps no progress; the menu and `--reset` do, and a bad LESSONS_STATE stops them here.
  const problem = args.auto ? undefined : progressProblem(progressPath());
  if (problem) {
    console.error(`bun run lessons: ${problem}`);
    return EXIT_USAGE;
  }
  if (args.reset) {
    const path = progressPath();
    resetProgress(path);
    console.log(`Progress cleared (${path}).`);
    return 0;
  }
  let only: Lesson | undefined;
  try {
    only = args.lesson === undefined ? undefined : findLesson(lessons, args.lesson);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`bun run lessons: ${error.message}`);
    return EXIT_USAGE;
  }

  const style = createStyle(colorEnabled(process.stdout));
  // Progress notes go to stderr so `--json` output stays pure JSON.
  const note = (text: string) => process.stderr.write(`${text}\n`);

  // Signal handlers first: a Ctrl-C while the API boots must still remove its database.
  let target: Target | undefined;
  let booting: Promise<Target> | undefined;
  let input: Input | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    input?.close();
    const running = target ?? (await booting?.catch(() => undefined));
    await running?.close();
    process.exit(code);
  };
  const interrupted = () => {
    process.stdout.write("\n");
    void shutdown(EXIT_INTERRUPTED);
  };
  process.on("SIGINT", interrupted);
  process.on("SIGTERM", interrupted);
  process.on("SIGHUP", interrupted);
  // `--auto | head`: the reader is gone. Stop as a program killed by SIGPIPE does, rather than
  // print a stack trace and go on running every step for nobody.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
    void shutdown(EXIT_BROKEN_PIPE);
  });

  if (args.url) {
    target = remoteTarget(args.url);
    const elsewhere = await notThisApi(target.baseUrl);
    if (elsewhere) {
      console.error(`bun run lessons: ${elsewhere.message}`);
      return elsewhere.reachable ? EXIT_USAGE : 1;
    }
  } else {
    if (!args.json) note(style.dim("Starting the API in-process on a temporary database…"));
    booting = startInProcess();
    target = await booting;
  }

  try {
    if (args.auto) {
      if (!args.json) note(style.dim(`API: ${target.baseUrl} (${target.kind})`));
      const { exitCode } = await runAuto({
        lessons: only ? [only] : lessons,
        numberOf: (lesson) => lessons.indexOf(lesson) + 1,
        statusCodes,
        target,
        json: args.json,
        style,
        write: (text) => process.stdout.write(text),
        // Coverage means something only for the whole set, with every power available.
        checkCoverage: !only && target.kind === "in-process",
      });
      return exitCode;
    }
    const write = (text: string) => process.stdout.write(text);
    // Read on every use: a resized terminal gets text wrapped and paged to its new size.
    const width = () => Math.min(process.stdout.columns || 80, 100);
    input = process.stdin.isTTY
      ? terminalInput(process.stdin, interrupted)
      : lineInput(process.stdin, write);
    return await runInteractive({
      lessons,
      statusCodes,
      target,
      input,
      write,
      view: {
        style,
        get width() {
          return width();
        },
      },
      clearScreen: Boolean(process.stdout.isTTY),
      ...(process.stdout.isTTY && process.stdin.isTTY
        ? {
            terminal: {
              rows: () => process.stdout.rows || 24,
              columns: () => process.stdout.columns || 80,
            },
          }
        : {}),
      statePath: progressPath(),
      ...(only ? { only } : {}),
      challengesOf,
      runChallenges: (lesson, context) => runChallenges(lesson, { ...context, width: width() }),
    });
  } finally {
    input?.close();
    await target.close();
  }
}

process.exit(await main(process.argv.slice(2)));
