import { describe, expect, test } from "bun:test";
import { createTokenCache } from "./token-cache.ts";

const claims = (exp: number) => ({ sub: "1", exp });

describe("createTokenCache", () => {
  test("serves what was put in, before its exp", () => {
    const cache = createTokenCache<{ sub: string; exp: number }>(10);
    const entry = claims(100);
    cache.set("a.b.c", entry);
    expect(cache.get("a.b.c", 99)).toBe(entry);
    expect(cache.get("a.b.x", 99)).toBeUndefined();
  });

  test("expiry is honoured: at exp the entry is a miss, and it is dropped", () => {
    const cache = createTokenCache<{ sub: string; exp: number }>(10);
    cache.set("t", claims(100));
    expect(cache.get("t", 100)).toBeUndefined();
    expect(cache.size).toBe(0);
    // Dropped, not hidden: a clock that steps back does not bring it back.
    expect(cache.get("t", 50)).toBeUndefined();
  });

  test("bounded: the least recently used entry is evicted first", () => {
    const cache = createTokenCache<{ sub: string; exp: number }>(3);
    for (const token of ["a", "b", "c"]) cache.set(token, claims(100));
    expect(cache.get("a", 0)).toBeDefined(); // a is now the most recently used
    cache.set("d", claims(100)); // evicts b, the least recently used
    expect(cache.size).toBe(3);
    expect(cache.get("b", 0)).toBeUndefined();
    for (const token of ["a", "c", "d"]) expect(cache.get(token, 0)).toBeDefined();
  });

  test("never grows past its bound, whatever is put in", () => {
    const cache = createTokenCache<{ sub: string; exp: number }>(100);
    for (let i = 0; i < 10_000; i++) cache.set(`token-${i}`, claims(100));
    expect(cache.size).toBe(100);
    expect(cache.get("token-9999", 0)).toBeDefined();
    expect(cache.get("token-0", 0)).toBeUndefined();
  });

  test("setting a cached token again replaces it without growing", () => {
    const cache = createTokenCache<{ sub: string; exp: number }>(2);
    cache.set("a", claims(100));
    cache.set("a", claims(200));
    expect(cache.size).toBe(1);
    expect(cache.get("a", 150)?.exp).toBe(200);
  });

  test("size 0 caches nothing; a bad size is refused", () => {
    const cache = createTokenCache<{ sub: string; exp: number }>(0);
    cache.set("a", claims(100));
    expect(cache.get("a", 0)).toBeUndefined();
    for (const bad of [-1, 1.5, Number.NaN])
      expect(() => createTokenCache(bad)).toThrow(RangeError);
  });

  test("clear forgets everything", () => {
    const cache = createTokenCache<{ sub: string; exp: number }>(5);
    cache.set("a", claims(100));
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get("a", 0)).toBeUndefined();
  });
});
