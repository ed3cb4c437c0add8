#!/usr/bin/env bun
/**
 * `bun apps/lessons/src/challenges/play.ts <lesson-id>`: one lesson's challenges on their own,
 * against a fresh in-process API, with no lesson steps before them. The tmux test drives it;
 * the lesson runner calls `runChallenges` itself.
 */
import { colorEnabled, createStyle } from "../color.ts";
import { type Input, lineInput, terminalInput } from "../input.ts";
import { lessons } from "../lessons/index.ts";
import { startInProcess } from "../target.ts";
import { runChallenges } from "./interactive.ts";

const id = process.argv[2];
const lesson = lessons.find((l) => l.id === id);
if (!lesson) {
  console.error(
    `usage: play.ts <lesson-id>; the lessons are: ${lessons.map((l) => l.id).join(", ")}`,
  );
  process.exit(2);
}

const write = (text: string) => process.stdout.write(text);
const booting = startInProcess();
let input: Input | undefined;
let stopping = false;
/** Once, whatever asks first: the API lets go of the database lock and deletes its files. */
const stop = async (code: number) => {
  if (stopping) return;
  stopping = true;
  input?.close();
  await (await booting.catch(() => undefined))?.close();
  process.exit(code);
};
// A signal (Ctrl-C from a pipe, a closed terminal, even while the API boots) cleans up too.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => void stop(130));
}
const target = await booting;
input = process.stdin.isTTY
  ? terminalInput(process.stdin, () => void stop(130))
  : lineInput(process.stdin, write);
const outcome = await runChallenges(lesson, {
  print: write,
  input,
  style: createStyle(colorEnabled(process.stdout)),
  target,
  width: Math.min(process.stdout.columns || 80, 100),
});
write(`\n[solved: ${outcome.solved.join(", ") || "none"}${outcome.quit ? "; quit" : ""}]\n`);
// The API stops with the script: a learner's request still on its way back gets its answer first.
if (!outcome.quit) {
  write("[Enter] exit ");
  while (!["enter", "q", "eof"].includes(await input.key())) {}
}
await stop(0);
