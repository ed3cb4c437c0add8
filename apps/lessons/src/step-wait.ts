/** Waiting out a Retry-After on screen, and what the runner's powers are doing. */
import type { Power } from "./model.ts";
import type { Screen } from "./screen.ts";

/**
 * Waits out a Retry-After, one second at a time; Enter sends at once, `s` skips the step and
 * `q` quits, as everywhere else (a minute is long to be stuck in).
 */
export async function countdown(
  screen: Screen,
  seconds: number,
): Promise<"send" | "skip" | "quit"> {
  const { style } = screen.view;
  const live = screen.input.interactive;
  if (!live) await screen.say(style.dim(`  Waiting ${seconds} s, as Retry-After asked…`));
  for (let left = seconds; left > 0; left--) {
    if (live) {
      const text = `Waiting ${String(left).padStart(3)} s, as Retry-After asked…  [Enter] send now  [s] skip  [q] quit `;
      screen.raw(`\r  ${style.dim(text)}`);
    }
    for (let tick = 0; tick < 10; tick++) {
      const key = screen.input.poll();
      if (key === "s" || key === "enter" || key === "q") {
        if (live) screen.raw("\n");
        if (key === "s") await screen.say(style.dim("- skipped"));
        return key === "s" ? "skip" : key === "q" ? "quit" : "send";
      }
      await Bun.sleep(100);
    }
  }
  // The countdown's line is done with: say what was waited instead of "1 s" forever.
  if (live) {
    screen.raw("\r\x1b[2K");
    await screen.say(style.dim(`  Waited ${seconds} s, as Retry-After asked.`));
  }
  return "send";
}

/** What a power does, in a line; a new power without one is a type error here. */
export function powerText(power: Power["power"]): string {
  switch (power) {
    case "lock-database":
      return "another connection takes the database's write lock (BEGIN EXCLUSIVE)";
    case "unlock-database":
      return "the other connection commits and lets go of the lock";
    case "mint-expired-token":
      return "minting a token signed with the API's key that expired a minute ago";
    case "forge-token":
      return "editing the token's payload (a new sub) and keeping its old signature";
  }
}
