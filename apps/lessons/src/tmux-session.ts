/**
 * For the tests that drive the runner as a person would: a real terminal (tmux) with one or
 * two panes, keys sent one at a time, and every wait on what a pane shows, never on a clock.
 * Each session gets its own tmux server (its own socket), so nothing touches a user's sessions.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "./generate-docs.ts";

export const TMUX = Bun.which("tmux");

/**
 * Without tmux the terminal tests cannot run: under CI that is a failing test (.ci/run
 * installs tmux), elsewhere a loud warning. Returns whether they can run.
 */
export function tmuxAvailable(what: string): boolean {
  if (TMUX) return true;
  if (process.env.CI === "true") {
    test(`tmux is installed (required under CI to test ${what})`, () => {
      throw new Error("tmux is missing: .ci/run installs it with apt-get before the tests");
    });
  } else {
    console.warn(
      `\n⚠ SKIPPING the tmux tests of ${what}: tmux is not installed (apt-get install tmux). Under CI=true they fail instead.\n`,
    );
  }
  return false;
}

export type Wanted = string | RegExp | ((screen: string) => boolean);

const shows = (screen: string, wanted: Wanted) =>
  typeof wanted === "string"
    ? screen.includes(wanted)
    : wanted instanceof RegExp
      ? wanted.test(screen)
      : wanted(screen);

export class TmuxSession {
  private readonly socket = `lessons-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private tmux(...args: string[]): string {
    const run = Bun.spawnSync([TMUX as string, "-L", this.socket, "-f", "/dev/null", ...args], {
      env: { ...process.env, TERM: "xterm-256color" },
      timeout: 10_000,
    });
    if (run.exitCode !== 0) throw new Error(`tmux ${args[0]} failed: ${run.stderr.toString()}`);
    return run.stdout.toString();
  }

  /** Pane 0 runs `command` (a shell line) in a terminal of this size. */
  start(command: string, size = { columns: 120, rows: 50 }) {
    const { columns, rows } = size;
    this.tmux("new-session", "-d", "-s", "t", "-x", `${columns}`, "-y", `${rows}`, command);
  }

  /** Pane 1: a plain shell of `rows` rows below pane 0, as a learner's second terminal. */
  splitShell(rows = 10) {
    this.tmux("split-window", "-v", "-l", `${rows}`, "-t", "t.0", "bash --norc --noprofile");
  }

  /** Keys as tmux names them ("Enter", "C-c") or literal text, to pane 0 unless told. */
  press(...keys: string[]) {
    this.pressIn(0, ...keys);
  }

  pressIn(pane: number, ...keys: string[]) {
    for (const key of keys) {
      if (/^(Enter|C-[a-z])$/.test(key)) this.tmux("send-keys", "-t", `t.${pane}`, key);
      else this.tmux("send-keys", "-t", `t.${pane}`, "-l", key);
    }
  }

  /** Types a line into a pane and presses Enter. */
  type(pane: number, line: string) {
    this.pressIn(pane, line, "Enter");
  }

  /** What a pane shows now; with `history`, that many lines of scrollback too (joined). */
  screen(pane = 0, history?: number): string {
    const back = history === undefined ? [] : ["-J", "-S", `-${history}`];
    return this.tmux("capture-pane", "-p", ...back, "-t", `t.${pane}`);
  }

  /** Pane 0's screen plus what scrolled off the top of it since the last `since`. */
  scrollback(since: string): string {
    const all = this.tmux("capture-pane", "-p", "-t", "t.0", "-S", "-500");
    const at = all.lastIndexOf(since);
    return at === -1 ? all : all.slice(at);
  }

  /** Waits (bounded) until pane 0 shows `wanted`; fails showing the screen otherwise. */
  waitFor(wanted: Wanted, timeoutMs = 20_000): Promise<string> {
    return this.waitIn(0, wanted, { timeoutMs });
  }

  /** As `waitFor`, in any pane; with `history`, scrollback counts too (a long answer scrolls). */
  async waitIn(
    pane: number,
    wanted: Wanted,
    { timeoutMs = 20_000, history }: { timeoutMs?: number; history?: number } = {},
  ): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = "";
    while (Date.now() < deadline) {
      screen = this.screen(pane, history);
      if (shows(screen, wanted)) return screen;
      await Bun.sleep(100);
    }
    throw new Error(
      `pane ${pane} never showed ${JSON.stringify(String(wanted))}; it shows:\n${screen}`,
    );
  }

  close() {
    try {
      // Ends the session's processes too: the runner gets SIGHUP and its in-process API with it.
      this.tmux("kill-server");
    } catch {
      // Already gone.
    }
  }
}

export const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const MAIN = join(import.meta.dir, "main.ts");

/** `bun run lessons` in a tmux terminal, with its own progress file. */
export class RunnerTerminal extends TmuxSession {
  readonly dir = mkdtempSync(join(tmpdir(), "lessons-tmux-"));
  readonly state = join(this.dir, "progress.json");

  /** Starts the runner (120×50 unless told); the shell line after it records its exit code. */
  run(args: string[] = [], size = { columns: 120, rows: 50 }) {
    const env = [`LESSONS_STATE=${this.state}`, "NO_COLOR=", "FORCE_COLOR="].join(" ");
    this.start(
      `cd ${REPO_ROOT} && env ${env} ${process.execPath} ${MAIN} ${args.join(" ")}; echo "[exited $?]"; sleep 60`,
      size,
    );
  }

  /**
   * Waits for `text`, pressing Enter at each "more" on the way (a long answer pages); returns
   * the screen and how many pages it took.
   */
  async pageTo(text: string): Promise<{ screen: string; pages: number }> {
    for (let pages = 0; pages < 20; pages++) {
      const screen = await this.waitFor(
        new RegExp(`${literal(text)}|── more: \\[Enter\\] ──\\s*$`),
      );
      if (screen.includes(text)) return { screen, pages };
      // Nothing unread scrolled away: the page ends in "more", on its last row.
      expect(screen.trimEnd().split("\n").at(-1)).toBe("── more: [Enter] ──");
      this.press("Enter");
      // The next page has been drawn when the screen changed.
      await this.waitFor((now) => now !== screen);
    }
    throw new Error(`still paging, never reached ${JSON.stringify(text)}`);
  }

  override close() {
    super.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
