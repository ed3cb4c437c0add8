/**
 * The whole loop a learner goes through, in a real terminal: `bun run lessons`, a lesson from
 * the menu played step by step with predictions, its quiz, then its challenge solved with curl
 * typed into a second pane, recognised from the API's own log, and the menu marking the lesson
 * done only then. Every wait is on what a pane shows.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { challengesOf } from "./challenges/all.ts";
import { lessons } from "./lessons/index.ts";
import { literal, RunnerTerminal, tmuxAvailable } from "./tmux-session.ts";

const LESSON_ID = "bad-input";
const number = lessons.findIndex((l) => l.id === LESSON_ID) + 1;
const lesson = lessons[number - 1];
const challenge = challengesOf(LESSON_ID)[0];
if (!lesson || challenge?.id !== "make-it-415") {
  throw new Error(`the menu test expects lesson ${LESSON_ID} with the challenge make-it-415`);
}

const open: RunnerTerminal[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

/** The screen's last line that is not blank: the prompt the runner waits on. */
const lastLine = (screen: string) => screen.trimEnd().split("\n").at(-1) ?? "";

/** In the quiz question on screen, the number of the choice naming the status its step got. */
function rightChoice(screen: string): string | undefined {
  const question = [...screen.matchAll(/"([^"]+)" \([A-Z]+ [^)]+\): which status came back\?/g)].at(
    -1,
  );
  const step = lesson?.steps.find((s) => s.title === question?.[1]);
  if (!question || !step) return undefined;
  const choices = screen.slice(question.index);
  return choices.match(new RegExp(`(\\d)\\) ${step.expect.status} `))?.[1];
}

/**
 * Answers each prompt of a lesson as a learner who knows it: the right prediction, Enter to
 * send a setup step, to page on and to go to the next step, the right choice in the quiz;
 * until the challenge starts. Returns the last score line of the steps and the quiz's.
 */
async function playToTheChallenge(t: RunnerTerminal): Promise<{ score?: string; quiz?: string }> {
  const prompts = [
    /Enter alone just sends: *$/,
    /^Your answer \(1-\d; Enter passes; q quits\): *$/,
    /^\[Enter\] send {3}\[h\] hint/,
    /^── more: \[Enter\] ──$/,
    /^\[Enter\] (next step|finish the lesson|go on) {3}\[q\] quit$/,
  ];
  const seen: { score?: string; quiz?: string } = {};
  for (let presses = 0; presses < 200; presses++) {
    const screen = await t.waitFor(
      (now) =>
        now.includes("Waiting for your requests") ||
        prompts.some((prompt) => prompt.test(lastLine(now))),
      30_000,
    );
    if (screen.includes("Waiting for your requests")) return seen;
    const prompt = lastLine(screen);
    const step = screen.match(/step (\d+) of \d+: /)?.[1];
    seen.score = screen.match(/predictions \d+ of \d+ right/)?.[0] ?? seen.score;
    seen.quiz = screen.match(/Quiz: \d+ of \d+ right/)?.[0] ?? seen.quiz;
    if (prompts[0]?.test(prompt) && step) {
      t.press(String(lesson?.steps[Number(step) - 1]?.expect.status), "Enter");
    } else if (prompts[1]?.test(prompt)) {
      t.press(rightChoice(screen) ?? "", "Enter");
    } else {
      t.press("Enter");
    }
    // Pressed once per prompt: the next look is at a screen the key has changed.
    await t.waitFor((now) => now !== screen, 30_000);
  }
  throw new Error("the lesson never reached its challenge");
}

const canRun = tmuxAvailable("the menu's challenge");

describe.skipIf(!canRun)("bun run lessons, through the menu (tmux)", () => {
  test("a lesson played to its challenge, solved with curl from another pane; only then is it done", async () => {
    const t = new RunnerTerminal();
    open.push(t);
    t.run();
    t.splitShell();
    let screen = await t.waitFor("Choose a lesson");
    expect(screen).toContain(`${number}. ${lesson.title}`);
    expect(screen).not.toMatch(/✓ +\d+\./);

    t.press(String(number), "Enter");
    const played = await playToTheChallenge(t);
    const taught = played.score?.match(/of (\d+)/)?.[1];
    expect(Number(taught)).toBeGreaterThan(0);
    expect(played.score).toBe(`predictions ${taught} of ${taught} right`);
    expect(played.quiz).toMatch(/^Quiz: (\d) of \1 right$/);

    screen = await t.waitFor("Waiting for your requests");
    expect(screen).toContain(`Challenge: ${challenge.title}`);
    const url = screen.match(/Your API: (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    if (!url) throw new Error(`no API URL on screen:\n${screen}`);

    // JSON the API can read is not the answer asked for: the runner says so.
    t.type(
      1,
      `curl -s -o /dev/null -w 'got %{http_code}\\n' ${url}/users/ -H 'content-type: application/json' -d '{"email":"nope"}'`,
    );
    await t.waitIn(1, "got 422", { history: 100 });
    await t.waitFor("not yet: POST /users/ answered 422 Unprocessable Content, not 415");

    // A form where JSON is expected: 415, seen in the API's log.
    t.type(1, `curl -s -o /dev/null -w 'got %{http_code}\\n' ${url}/users/ -d 'email=a@b.c'`);
    await t.waitIn(1, "got 415", { history: 100 });
    screen = await t.waitFor(
      new RegExp(`✓ Solved: ${literal(challenge.title)}[\\s\\S]*\\[Enter\\] finish the lesson`),
    );
    expect(screen).toContain("POST /users/ → 415 Unsupported Media Type");
    t.press("Enter");

    screen = await t.waitFor(/— end[\s\S]*\[Enter\] back to the menu/);
    expect(screen).toContain(`${lesson.steps.length} passed, 0 failed, 0 skipped`);
    expect(screen).toContain("✓ Lesson done");
    t.press("Enter");
    screen = await t.waitFor(/Choose a lesson \(1-\d+\), or q to quit: *$/m);
    expect(screen).toMatch(new RegExp(`✓ +${number}\\. ${literal(lesson.title)}`));
    expect(screen).toContain(`1 of ${lessons.length} done`);
    t.press("q");
    await t.waitFor("[exited 0]");
  }, 180_000);
});
