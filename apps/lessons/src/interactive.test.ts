/**
 * The interactive runner, driven as a person would: in a real terminal (tmux), one key at a
 * time, asserting what the screen shows after each. Without tmux these tests cannot run:
 * under CI that is a failure (.ci/run installs it); elsewhere they are skipped, loudly.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./generate-docs.ts";
import { lessons } from "./lessons/index.ts";
import { literal, RunnerTerminal, tmuxAvailable } from "./tmux-session.ts";
import { transcriptKeys } from "./transcript.ts";

const MAIN = join(import.meta.dir, "main.ts");
const first = lessons[0];
const second = lessons[1];
if (!first || !second) throw new Error("the interactive tests need at least two lessons");

/** The first few words: short enough to sit on the first wrapped line. */
const opening = (text: string, words = 6) => text.split(/\s+/).slice(0, words).join(" ");

const terminals: RunnerTerminal[] = [];
afterEach(() => {
  for (const t of terminals.splice(0)) t.close();
});

function terminal(): RunnerTerminal {
  const t = new RunnerTerminal();
  terminals.push(t);
  return t;
}

const canRun = tmuxAvailable("the interactive runner");

const PREDICT = "Predict the status (e.g. 404), then Enter; Enter alone just sends:";
const MENU = /Choose a lesson \(1-\d+\), or q to quit: *$/m;

describe.skipIf(!canRun)("in a real terminal (tmux)", () => {
  test("menu → lesson 1: story, request, hint, a prediction and its score; skipping the rest leaves it open; q exits 0", async () => {
    const t = terminal();
    t.run();
    let screen = await t.waitFor("Choose a lesson");
    for (const [i, lesson] of lessons.entries())
      expect(screen).toContain(`${i + 1}. ${lesson.title}`);
    expect(screen).toContain(`0 of ${lessons.length} done`);
    expect(screen).not.toMatch(/✓ +\d+\./);

    t.press("1", "Enter");
    const step = first.steps[0];
    if (!step) throw new Error("lesson 1 has no steps");
    // Each screen ends with its prompt: waiting for that means the screen is complete.
    screen = await t.waitFor(PREDICT);
    expect(screen).toContain(`Lesson 1 · ${first.title}`);
    expect(screen).toContain(`step 1 of ${first.steps.length}`);
    expect(screen).toContain(opening(step.story));
    expect(screen).toContain(`${step.request.method} ${step.request.path} HTTP/1.1`);
    expect(screen).toContain("[h] hint   [s] skip   [q] quit");
    // The why is not given away before the answer.
    expect(screen).not.toContain("Why this API answers it here");

    t.press("h");
    screen = await t.waitFor(new RegExp(`Hint[\\s\\S]*${literal(PREDICT)}`));
    expect(screen).toContain(opening(step.hint, 4));

    const status = `${step.expect.status}`;
    t.press(status, "Enter");
    ({ screen } = await t.pageTo("[Enter] next step"));
    const answer = t.scrollback(`step 1 of ${first.steps.length}: ${step.title}`);
    expect(answer).toMatch(new RegExp(`HTTP/1\\.1 ${status} \\w+`));
    expect(answer).toContain(`✓ ${status} Created, as the lesson says`);
    expect(answer).toContain(`You predicted ${status}: right`);
    expect(answer.indexOf("Why this API answers it here")).toBeGreaterThan(
      answer.indexOf("You predicted"),
    );
    expect(answer).toContain(opening(step.explain.why, 4));
    // The status line and the score stay in view, right above the prompt.
    expect(screen).toContain(
      `✓ ${status} Created · predicted ${status}: right · predictions 1 of 1 right`,
    );
    expect(screen).toContain("curl -i http://127.0.0.1:");

    // The rest of the lesson: `s` skips each step (running them instead when warned).
    t.press("Enter");
    for (let i = 2; i <= first.steps.length; i++) {
      await t.waitFor(new RegExp(`step ${i} of ${first.steps.length}[\\s\\S]*${literal(PREDICT)}`));
      t.press("s");
      if (i < first.steps.length) await t.waitFor(`step ${i + 1} of`);
    }
    // A quiz on the one step that was sent, then the end: not done, since steps were skipped.
    screen = await t.waitFor(/— quiz[\s\S]*Your answer/);
    t.press(status, "Enter");
    screen = await t.waitFor(/Quiz: 1 of 1 right[\s\S]*\[Enter\] go on/);
    t.press("Enter");
    screen = await t.waitFor(/— end[\s\S]*\[Enter\] back to the menu/);
    expect(screen).toContain(`1 passed, 0 failed, ${first.steps.length - 1} skipped`);
    expect(screen).toContain("Not done yet");
    t.press("Enter");
    screen = await t.waitFor(MENU);
    expect(screen).not.toMatch(/✓ +\d+\./);
    expect(screen).toMatch(
      new RegExp(`· +1\\. ${literal(first.title)} — ${first.steps.length - 1} steps not passed`),
    );
    expect(screen).toContain(`0 of ${lessons.length} done`);

    // The menu answers nonsense with a line.
    t.press("99", "Enter");
    await t.waitFor(`There is no lesson 99: the lessons are 1 to ${lessons.length}.`);
    t.press("q");
    await t.waitFor("[exited 0]");
  }, 90_000);

  test("skipping every step of a lesson warns, leaves it open in the menu; q exits 0", async () => {
    const t = terminal();
    t.run();
    await t.waitFor("Choose a lesson");
    t.press("2", "Enter");
    for (const [i, step] of second.steps.entries()) {
      await t.waitFor(
        new RegExp(
          `step ${i + 1} of ${second.steps.length}: ${literal(step.title)}[\\s\\S]*\\[q\\] quit`,
        ),
      );
      t.press("s");
      const next =
        i + 1 < second.steps.length ? `step ${i + 2} of ${second.steps.length}` : "— end";
      // A step others build on warns first: skip it anyway.
      const screen = await t.waitFor(new RegExp(`skip anyway|${literal(next)}`));
      if (!screen.includes(next)) t.press("s");
    }
    const end = await t.waitFor(/— end[\s\S]*\[Enter\] back to the menu/);
    expect(end).toContain(`0 passed, 0 failed, ${second.steps.length} skipped`);
    t.press("Enter");
    const menu = await t.waitFor(MENU);
    expect(menu).toMatch(
      new RegExp(`· +2\\. ${literal(second.title)} — ${second.steps.length} steps not passed`),
    );
    expect(menu).not.toMatch(/✓ +\d+\./);
    t.press("q");
    await t.waitFor("[exited 0]");
  }, 90_000);

  test("at 80×24 long answers page with more, and the status line stays above the prompt", async () => {
    const t = terminal();
    t.run(["--lesson", "1"], { columns: 80, rows: 24 });
    await t.pageTo(PREDICT);
    // A wrong guess makes the status line too long for 80 columns: it breaks between parts.
    t.type(0, "404");
    const { screen, pages } = await t.pageTo("[Enter] next step");
    expect(pages).toBeGreaterThan(0);
    const rows = screen.trimEnd().split("\n");
    expect(rows.at(-1)).toContain("[Enter] next step   [q] quit");
    expect(rows.at(-4)).toBe(
      "✓ 201 Created · predicted 404, it was 201 · predictions 0 of 1 right",
    );
    expect(rows.at(-3)).toBe(`  step 1 of ${first.steps.length}`);
    t.press("q");
    await t.waitFor("[exited 0]");
  }, 90_000);

  test("Ctrl-C exits cleanly and shuts the in-process API down", async () => {
    const t = terminal();
    t.run(["--lesson", first.id]);
    const screen = await t.waitFor(PREDICT);
    const url = screen.match(/Host: (127\.0\.0\.1:\d+)/)?.[1];
    expect(url).toBeDefined();
    expect((await fetch(`http://${url}/`)).status).toBe(200);
    t.press("C-c");
    await t.waitFor("[exited 130]");
    expect(fetch(`http://${url}/`)).rejects.toThrow();
    expect(existsSync(t.state)).toBe(false);
  }, 60_000);
});

describe("with keys from a pipe (scripted sessions)", () => {
  test("the transcript's keys replay lesson 1 in plain text, skip its challenge and end at the menu", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lessons-pipe-"));
    try {
      const child = Bun.spawn([process.execPath, MAIN], {
        cwd: REPO_ROOT,
        env: { ...process.env, FORCE_COLOR: "", NO_COLOR: "", LESSONS_STATE: join(dir, "p.json") },
        stdin: new TextEncoder().encode(transcriptKeys(first)),
        stdout: "pipe",
        stderr: "pipe",
      });
      const timer = setTimeout(() => child.kill(), 60_000);
      const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
      clearTimeout(timer);
      expect(code).toBe(0);
      expect(out).not.toContain("\x1b[");
      expect(out).toContain(`${first.steps.length} passed, 0 failed, 0 skipped`);
      expect(out).toContain("› h\n");
      expect(out.match(/✓ \d{3} [^\n]*, as the lesson says/g)).toHaveLength(first.steps.length);
      expect(out.trimEnd().endsWith(`Choose a lesson (1-${lessons.length}), or q to quit: q`)).toBe(
        true,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
