import { describe, expect, test } from "bun:test";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { type AccessFields, bufferedStdout, createLogger, type LogFields } from "./logger.ts";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("the access line", () => {
  test("is byte for byte what info('request', fields) writes, whatever the fields hold", () => {
    const lines: string[] = [];
    const log = createLogger((line) => lines.push(line));
    const fields = fc.record({
      method: fc.constantFrom("GET", "POST", "HEAD", "PATCH", "M-SEARCH"),
      path: fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.webPath()),
      status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.constant(Number.NaN)),
      duration_ms: fc.oneof(fc.double({ noDefaultInfinity: true }), fc.constant(-0)),
      request_id: fc.oneof(fc.uuid(), fc.string()),
    });
    fc.assert(
      fc.property(fields, (access: AccessFields) => {
        lines.length = 0;
        log.access?.(access);
        log.info("request", access as unknown as LogFields);
        const [fast, generic] = lines.map((line) => line.replace(/"time":"[^"]*"/, '"time":""'));
        expect(fast).toBe(generic as string);
        expect(() => JSON.parse(lines[0] as string)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});

describe("bufferedStdout", () => {
  const withFile = (run: (fd: number, read: () => string) => Promise<void>) => async () => {
    const dir = mkdtempSync(join(tmpdir(), "statuslab-log-"));
    const file = join(dir, "out.log");
    const fd = openSync(file, "w");
    try {
      await run(fd, () => readFileSync(file, "utf8"));
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  };

  test(
    "lines reach the file in order, in one write after the current turn",
    withFile(async (fd, read) => {
      const sink = bufferedStdout(fd);
      for (let i = 0; i < 100; i++) sink(`line ${i}`);
      expect(read()).toBe("");
      await nextTurn();
      expect(read()).toBe(Array.from({ length: 100 }, (_, i) => `line ${i}\n`).join(""));
    }),
  );

  test(
    "past 64 KiB pending, a batch is written at once",
    withFile(async (fd, read) => {
      const sink = bufferedStdout(fd);
      const line = "x".repeat(1023);
      for (let i = 0; i < 64; i++) sink(line);
      expect(read().length).toBe(64 * 1024);
      await nextTurn();
    }),
  );

  test("one sink per descriptor", () => {
    expect(bufferedStdout(1)).toBe(bufferedStdout(1));
  });

  test("what is pending when the process exits is written, even with process.exit", async () => {
    const script = [
      `const { createLogger } = await import(${JSON.stringify(join(import.meta.dir, "logger.ts"))});`,
      "const log = createLogger();",
      "for (let i = 0; i < 3; i++) log.info('before exit', { i });",
      "process.exit(0);",
    ].join("\n");
    const child = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
    const out = await new Response(child.stdout).text();
    expect(await child.exited).toBe(0);
    expect(
      out
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line).i),
    ).toEqual([0, 1, 2]);
  });
});
