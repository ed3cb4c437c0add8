/** TRUST_PROXY and CORS_ORIGINS through `loadConfig`: parsed once, refused in one line. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./config.ts";

const SECRET = "s".repeat(32);
let dir: string;
let secretFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "statuslab-config-network-"));
  secretFile = join(dir, ".jwt-secret");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const load = (env: Record<string, string>) =>
  loadConfig({ JWT_SECRET: SECRET, ...env }, secretFile);

function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("unset or empty: off, and absent from the Config", () => {
  const environments: Record<string, string>[] = [
    {},
    { TRUST_PROXY: "", CORS_ORIGINS: "" },
    { TRUST_PROXY: " ", CORS_ORIGINS: "  " },
  ];
  for (const env of environments) {
    test(JSON.stringify(env), () => {
      const config = load(env);
      expect("trustProxy" in config).toBe(false);
      expect("corsOrigins" in config).toBe(false);
    });
  }

  test("TRUST_PROXY=0 trusts no proxy: off", () => {
    expect(load({ TRUST_PROXY: "0" }).trustProxy).toBeUndefined();
  });
});

describe("read into the Config", () => {
  test("TRUST_PROXY as a hop count", () => {
    expect(load({ TRUST_PROXY: "2" }).trustProxy).toEqual({ hops: 2 });
  });

  test("TRUST_PROXY as a list of addresses and ranges", () => {
    expect(load({ TRUST_PROXY: "10.0.0.0/8, 192.168.1.7, ::1, fd00::/8" }).trustProxy).toEqual({
      proxies: [
        { family: "ipv4", network: "10.0.0.0", prefix: 8 },
        { family: "ipv4", network: "192.168.1.7", prefix: 32 },
        { family: "ipv6", network: "::1", prefix: 128 },
        { family: "ipv6", network: "fd00::", prefix: 8 },
      ],
    });
  });

  test("CORS_ORIGINS as a list, and as *", () => {
    expect(
      load({ CORS_ORIGINS: "https://app.example.com,http://localhost:5173" }).corsOrigins,
    ).toEqual(["https://app.example.com", "http://localhost:5173"]);
    expect(load({ CORS_ORIGINS: "*" }).corsOrigins).toBe("*");
  });
});

describe("a bad value stops the start with one line naming the variable", () => {
  const cases: [string, Record<string, string>][] = [
    ["TRUST_PROXY", { TRUST_PROXY: "10.0.0.0/33" }],
    ["TRUST_PROXY", { TRUST_PROXY: "true" }],
    ["TRUST_PROXY", { TRUST_PROXY: "0.0.0.0/0" }],
    ["TRUST_PROXY", { TRUST_PROXY: "99" }],
    ["TRUST_PROXY", { TRUST_PROXY: "proxy.internal" }],
    ["TRUST_PROXY", { TRUST_PROXY: `10.0.0.1\nINFO forged log line` }],
    ["TRUST_PROXY", { TRUST_PROXY: "9".repeat(5000) }],
    ["CORS_ORIGINS", { CORS_ORIGINS: "app.example.com" }],
    ["CORS_ORIGINS", { CORS_ORIGINS: "https://app.example.com/" }],
    ["CORS_ORIGINS", { CORS_ORIGINS: "https://*.example.com" }],
    ["CORS_ORIGINS", { CORS_ORIGINS: "*,https://app.example.com" }],
    ["CORS_ORIGINS", { CORS_ORIGINS: `https://a.example\nINFO forged log line` }],
    ["CORS_ORIGINS", { CORS_ORIGINS: `https://${"a".repeat(5000)}.example/` }],
  ];
  for (const [variable, env] of cases) {
    test(`${variable}=${JSON.stringify(Object.values(env)[0]).slice(0, 40)}`, () => {
      const message = refusal(env);
      expect(message).toStartWith(`${variable} `);
      expect(message).not.toMatch(/[\r\n]/);
      expect(message.length).toBeLessThan(200);
    });
  }
});
