/**
 * `.env.example` and the README's configuration table against what `loadConfig` really reads.
 * What it reads is recorded, not listed by hand: `loadConfig` gets an environment that notes
 * every name looked up, so a variable added to config.ts and forgotten here fails this test.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "./config.ts";

type Env = Record<string, string | undefined>;

const REPO = join(import.meta.dir, "../../..");
const EXAMPLE = readFileSync(join(REPO, ".env.example"), "utf8");
const README = readFileSync(join(REPO, "README.md"), "utf8");

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "statuslab-env-example-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const secretFile = () => join(dir, "data", ".jwt-secret");

/** `NAME=value` lines of .env.example: set ones, and ones commented out (`# NAME=value`). */
function exampleAssignments() {
  const set: Env = {};
  const commented: Env = {};
  const names: string[] = [];
  for (const line of EXAMPLE.split("\n")) {
    const match = /^(# )?([A-Z][A-Z0-9_]*)=(\S*)$/.exec(line);
    if (!match?.[2]) continue;
    names.push(match[2]);
    (match[1] ? commented : set)[match[2]] = match[3] ?? "";
  }
  return { set, commented, names };
}

/** The variables in the first column of the README's configuration table. */
function readmeVariables(): string[] {
  const section = README.split(/^## /m).find((part) => part.startsWith("Configuration\n"));
  if (!section) throw new Error("README.md has no '## Configuration' section");
  const rows = section.split("\n").filter((line) => line.startsWith("| `"));
  return rows.flatMap((row) =>
    [...(row.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] as string),
  );
}

/** Every name `loadConfig` looks up in `env`. */
function namesRead(env: Env): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === "string") read.add(name);
      return Reflect.get(target, name);
    },
    has(target, name) {
      if (typeof name === "string") read.add(name);
      return Reflect.has(target, name);
    },
  });
  loadConfig(recording, secretFile());
  return read;
}

/** Read with nothing set, and with every example set: both sides of every branch. */
function variablesLoadConfigReads(): string[] {
  const { set, commented } = exampleAssignments();
  const names = new Set([...namesRead({}), ...namesRead({ ...set, ...commented })]);
  return [...names].sort();
}

describe(".env.example", () => {
  test("names each variable once", () => {
    const { names } = exampleAssignments();
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });

  test("has every variable loadConfig reads, and no other", () => {
    const { names } = exampleAssignments();
    expect([...names].sort()).toEqual(variablesLoadConfigReads());
  });

  test("has every variable of the README's configuration table", () => {
    const { names } = exampleAssignments();
    expect(readmeVariables().filter((name) => !names.includes(name))).toEqual([]);
  });

  test("its set lines are exactly the defaults: copying it to .env changes nothing", () => {
    const { set } = exampleAssignments();
    const { jwtSecret: _a, jwtSecretSource: _b, ...fromExample } = loadConfig(set, secretFile());
    const { jwtSecret: _c, jwtSecretSource: _d, ...defaults } = loadConfig({}, secretFile());
    expect(fromExample).toEqual(defaults);
  });

  test("its commented-out examples are valid, all together", () => {
    const { set, commented } = exampleAssignments();
    expect(() => loadConfig({ ...set, ...commented }, secretFile())).not.toThrow();
  });
});

describe("README's configuration table", () => {
  test("has every variable loadConfig reads", () => {
    const documented = readmeVariables();
    expect(variablesLoadConfigReads().filter((name) => !documented.includes(name))).toEqual([]);
  });
});
