/**
 * A challenge solved the way a learner solves it: the runner in one tmux pane, curl typed into
 * a shell in another, and the runner recognising the answer from the API's own log. Every wait
 * is on what the screen shows. Without tmux: a failure under CI, a loud skip elsewhere.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../generate-docs.ts";
import { TmuxSession, tmuxAvailable } from "../tmux-session.ts";

const PLAY = join(import.meta.dir, "play.ts");

/** Pane 0 runs the challenges of `lessonId`; pane 1, below it, is a plain shell. */
class Panes extends TmuxSession {
  play(lessonId: string) {
    const env = "env NO_COLOR= FORCE_COLOR=";
    this.start(
      `cd ${REPO_ROOT} && ${env} ${process.execPath} ${PLAY} ${lessonId}; echo "[exited $?]"; sleep 60`,
    );
    this.splitShell();
  }

  /** Both panes scroll: look back far enough to see the whole attempt. */
  wait(pane: number, text: string | RegExp, timeoutMs = 30_000): Promise<string> {
    return this.waitIn(pane, text, { timeoutMs, history: 200 });
  }
}

const open: Panes[] = [];
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

test("a signal mid-challenge, lock held, stops play.ts cleanly: exit 130, no database files left", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "play-signal-"));
  try {
    const child = Bun.spawn([process.execPath, PLAY, "database-outage"], {
      cwd: REPO_ROOT,
      env: { ...process.env, TMPDIR: tmp, NO_COLOR: "1" },
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    let out = "";
    const decoder = new TextDecoder();
    const reader = child.stdout.getReader();
    while (!out.includes("Waiting for your requests")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`play.ts ended before the challenge:\n${out}`);
      out += decoder.decode(value);
    }
    reader.releaseLock();
    expect(out).toContain("⚙ Write lock taken");
    expect(readdirSync(tmp).length).toBeGreaterThan(0);
    child.kill("SIGINT");
    expect(await child.exited).toBe(130);
    expect(readdirSync(tmp)).toEqual([]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}, 30_000);

const canRun = tmuxAvailable("the challenges");

describe.skipIf(!canRun)("a challenge in a real terminal (tmux)", () => {
  test("curl from another pane: a wrong attempt is shown as not yet, a hint on h, the right one is recognised", async () => {
    const panes = new Panes();
    open.push(panes);
    panes.play("bad-input");
    let screen = await panes.wait(0, "Waiting for your requests");
    expect(screen).toContain("Challenge: make the API answer 415");
    expect(screen).toContain(
      "Solved when the log shows:\n    • POST /users/ → 415 Unsupported Media Type",
    );
    const url = screen.match(/Your API: (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    if (!url) throw new Error(`no API URL on screen:\n${screen}`);

    // Valid JSON with a bad email: the API's log shows a 422, which is not what was asked.
    panes.type(
      1,
      `curl -s -o /dev/null -w 'got %{http_code}\\n' ${url}/users/ -H 'content-type: application/json' -d '{"email":"nope","password":"long-enough-1"}'`,
    );
    await panes.wait(1, "got 422");
    screen = await panes.wait(0, "not yet: ");
    expect(screen).toContain("← POST /users/ → 422 Unprocessable Content (Invalid request body)");
    expect(screen).toContain("POST /users/ answered 422 Unprocessable Content, not 415");

    panes.type(0, "h");
    screen = await panes.wait(0, "Hint 1 of 2");

    // Opening Swagger UI loads its page from the same API: not a request the challenge is about.
    panes.type(1, `curl -s -o /dev/null -w 'docs %{http_code}\\n' ${url}/docs`);
    await panes.wait(1, "docs 200");

    // An HTML form where JSON is expected: 415, recognised from the log.
    panes.type(
      1,
      `curl -s -o /dev/null -w 'got %{http_code}\\n' ${url}/users/ -d 'email=me@example.com&password=long-enough-1'`,
    );
    await panes.wait(1, "got 415");
    screen = await panes.wait(0, "✓ Solved: make the API answer 415");
    expect(screen).toContain(
      "POST /users/ → 415 Unsupported Media Type (Send the body as application/json)",
    );
    expect(screen).not.toContain("GET /docs");
    await panes.wait(0, "[solved: make-it-415]");
    panes.type(0, "");
    await panes.wait(0, "[exited 0]");
  }, 90_000);

  test("q quits the challenge at once", async () => {
    const panes = new Panes();
    open.push(panes);
    panes.play("rate-limiting");
    const screen = await panes.wait(0, "Waiting for your requests");
    expect(screen).toMatch(/client_id=me-[a-z0-9]{8}/);
    panes.type(0, "q");
    await panes.wait(0, "[solved: none; quit]");
    await panes.wait(0, "[exited 0]");
  }, 60_000);
});
