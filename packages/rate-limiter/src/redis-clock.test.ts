import { expect, test } from "bun:test";
import { RedisClockOffset } from "./redis-clock.ts";

const REDIS = 1_700_000_000_000; // Redis TIME (ms) when our clock read 0

test("the bound is Redis's clock minus the moment its answer arrived, never later than the truth", () => {
  const clock = new RedisClockOffset(10_000, 60_000);
  expect(clock.lowerBound(0)).toBeUndefined(); // nothing known: read TIME first
  // Redis read its clock at 100 (ours); the answer took 5 ms to arrive.
  clock.sample(REDIS + 100, 105);
  expect(clock.lowerBound(105)).toBe(REDIS - 5);
  // A quicker answer is a tighter bound and wins; a slower one does not.
  clock.sample(REDIS + 200, 201);
  expect(clock.lowerBound(201)).toBe(REDIS - 1);
  clock.sample(REDIS + 300, 350);
  expect(clock.lowerBound(350)).toBe(REDIS - 1);
});

test("a looser sample replaces a bound older than keepMs, so drift is followed", () => {
  const clock = new RedisClockOffset(10_000, 60_000);
  clock.sample(REDIS + 100, 101);
  // Redis's clock fell 3 ms behind over 20 s: the old bound is now too late by 2 ms.
  clock.sample(REDIS + 20_000 - 3, 20_000);
  expect(clock.lowerBound(20_000)).toBe(REDIS - 3);
});

test("a bound older than trustMs (no traffic) is not used; garbage is ignored", () => {
  const clock = new RedisClockOffset(10_000, 60_000);
  clock.sample(REDIS + 100, 101);
  expect(clock.lowerBound(60_100)).toBe(REDIS - 1);
  expect(clock.lowerBound(60_101)).toBeUndefined();
  clock.sample(Number.NaN, 60_200);
  expect(clock.lowerBound(60_200)).toBeUndefined();
});
