import { expect, test } from "bun:test";
import { join } from "node:path";

test("--auto piped into a reader that leaves (| head) stops at once, without a stack trace", async () => {
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "main.ts"), "--auto"], {
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = child.stdout.getReader();
  // The first lesson's title: the run is under way, with every other lesson still to print.
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toStartWith("01 ");
  await reader.cancel();
  const [stderr, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  expect(code).toBe(141);
  expect(stderr).not.toContain("EPIPE");
  expect(stderr).not.toMatch(/^\s+at /m);
}, 60_000);
