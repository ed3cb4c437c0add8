/**
 * Issue 16, point 2: a sign-up burst must never starve logins. Sign-ups and logins hash in
 * separate budgets with bounded queues (a full one answers 503 + Retry-After), each address may
 * sign up SIGNUP_RATE_LIMIT times (429 + Retry-After), and a taken email costs no hash.
 *
 * The queue tests replace argon2 with a stand-in whose sign-up hashes finish only when the test
 * says so: they check what starts before what, never how long anything takes.
 */
import { afterEach, describe, expect, spyOn, test } from "bun:test";
import { fakeArgon2, settle, watch } from "@statuslab/auth/testing";
import { MemoryStore, RedisStore } from "@statuslab/rate-limiter";
import { expectJson, expectProblem } from "../../../test/problem-assertions.ts";
import { CHEAP_HASHING, makeApp } from "../../../test/support.ts";

/** Yields to the event loop until `condition` holds (the test's timeout catches a hang). */
async function until(condition: () => boolean) {
  while (!condition()) await settle();
}

let restoreArgon2: (() => void) | undefined;
afterEach(() => {
  restoreArgon2?.();
  restoreArgon2 = undefined;
});

/** argon2 stand-in: passwords starting `held-` hash only when released; finishes are recorded. */
function heldArgon2() {
  const fake = fakeArgon2({ heldPrefix: "held-", recordFinish: true });
  restoreArgon2 = fake.restore;
  return fake;
}

const signUp = (api: Awaited<ReturnType<typeof makeApp>>["api"], i: number) =>
  api.send("POST", "/users/", {
    json: { email: `burst-${i}@example.com`, password: `held-password-${i}` },
  });

describe("hashing budgets", () => {
  test("40 sign-ups queued: a login's password check starts before any of them finishes", async () => {
    const argon2 = heldArgon2();
    const { api, deps } = await makeApp(
      {},
      { passwordHashing: { maxConcurrent: 2, maxQueuedHashes: 64, hashingNiceIncrement: 0 } },
    );
    await api.register("alice@example.com", "alice-password");
    const queued = () => deps.hasher.stats().inFlight + deps.hasher.stats().queued;

    const burst = Array.from({ length: 40 }, (_, i) => signUp(api, i));
    await until(() => queued() === 40);
    const login = api.login("alice@example.com", "alice-password");
    // Until the login's check has started, or it waits in the queue.
    await until(() => argon2.events.includes("verify alice-password") || queued() === 41);
    argon2.finishAll();

    expectJson(await login, 200);
    const verified = argon2.events.indexOf("verify alice-password");
    const firstDone = argon2.events.findIndex((event) => event.startsWith("done "));
    expect(verified).toBeGreaterThanOrEqual(0);
    expect(verified).toBeLessThan(firstDone);
    expect((await Promise.all(burst)).map((sent) => sent.status)).toEqual(Array(40).fill(201));
  });

  test("a full sign-up queue answers 503 problem+json with Retry-After at once, never a hang, and costs no sign-up quota", async () => {
    const argon2 = heldArgon2();
    const { api, deps } = await makeApp(
      { signupRateLimit: { max: 4, windowSeconds: 600 } },
      { passwordHashing: { maxConcurrent: 1, maxQueuedHashes: 2, hashingNiceIncrement: 0 } },
    );
    const admitted = [0, 1, 2].map((i) => signUp(api, i)); // one hashing, two waiting
    await until(() => deps.hasher.stats().inFlight + deps.hasher.stats().queued === 3);

    const refused = watch(signUp(api, 3));
    // Answered, or (without a bound) waiting as the third in line.
    await until(() => refused.settled || deps.hasher.stats().queued > 2);
    argon2.finishAll();
    await until(() => refused.settled);
    const sent = refused.value as Awaited<ReturnType<typeof signUp>>;
    expectProblem(sent, 503, "Too many passwords are being checked right now; try again shortly");
    expect(sent.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(sent.text).not.toContain("held-password-3");
    expect((await Promise.all(admitted)).map((s) => s.status)).toEqual([201, 201, 201]);
    // The refused one gave its unit back: the address has one sign-up left, not none.
    const retried = await signUp(api, 3);
    expectJson(retried, 201);
    expect(retried.headers.get("ratelimit")).toStartWith('"signup";r=0;');
  });
});

describe("a taken email costs no hash", () => {
  test("409 for a duplicate, in any letter case, without hashing its password", async () => {
    const { api, deps } = await makeApp();
    const hash = spyOn(deps.hasher, "hash");
    await api.register("carol@example.com", "carol-password");
    expect(hash).toHaveBeenCalledTimes(1);
    for (const email of ["carol@example.com", "CAROL@Example.COM"]) {
      const sent = await api.send("POST", "/users/", {
        json: { email, password: "another-password" },
      });
      expectProblem(sent, 409, "Email already registered");
    }
    expect(hash).toHaveBeenCalledTimes(1);
  });
});

const START = Date.UTC(2026, 0, 1, 10, 0, 0);

/** An app with SIGNUP_RATE_LIMIT=3/60, a clock the test moves, and an address per request. */
async function limited() {
  let now = START;
  const made = await makeApp(
    { signupRateLimit: { max: 3, windowSeconds: 60 } },
    {
      rateLimitStore: new MemoryStore({ now: () => now, sweepIntervalMs: 0 }),
      clientAddress: (request) => request.headers.get("x-test-address") ?? "192.0.2.1",
    },
  );
  let n = 0;
  const signUpFrom = (address: string, json?: unknown) =>
    made.api.send("POST", "/users/", {
      json: json ?? { email: `user-${n++}@example.com`, password: "password-123" },
      headers: { "x-test-address": address },
    });
  return { ...made, signUpFrom, at: (ms: number) => (now = START + ms) };
}

describe("SIGNUP_RATE_LIMIT", () => {
  test("3 sign-ups per address in 60 s, with RateLimit headers; the 4th is 429 + Retry-After", async () => {
    const { signUpFrom, at } = await limited();
    for (let i = 0; i < 3; i++) {
      at(i * 1000);
      const sent = await signUpFrom("192.0.2.1");
      expectJson(sent, 201);
      expect(sent.headers.get("ratelimit-policy")).toBe('"signup";q=3;w=60');
      expect(sent.headers.get("ratelimit")).toBe(`"signup";r=${2 - i};t=${60 - i}`);
    }
    at(10_000);
    const denied = await signUpFrom("192.0.2.1");
    expectProblem(denied, 429, "Too many sign-ups from your address; try again later");
    expect(denied.headers.get("retry-after")).toBe("50");
    expect(denied.headers.get("ratelimit")).toBe('"signup";r=0;t=50');
    expect(denied.text).not.toContain("password-123");

    // Another address has its own quota; and once the window has slid, this one is back.
    expectJson(await signUpFrom("198.51.100.7"), 201);
    at(60_000);
    expectJson(await signUpFrom("192.0.2.1"), 201);
  });

  test("a 409 counts (probing for emails is slowed too); a 422 or 415 does not", async () => {
    const { signUpFrom } = await limited();
    const taken = { email: "taken@example.com", password: "password-123" };
    expectJson(await signUpFrom("192.0.2.1", taken), 201);
    for (let i = 0; i < 5; i++) {
      const bad = await signUpFrom("192.0.2.1", { email: "nope", password: "x" });
      expect(bad.status).toBe(422);
      expect(bad.headers.get("ratelimit")).toBeNull();
    }
    expectProblem(await signUpFrom("192.0.2.1", taken), 409, "Email already registered");
    expect((await signUpFrom("192.0.2.1")).headers.get("ratelimit")).toBe('"signup";r=0;t=60');
    expect((await signUpFrom("192.0.2.1")).status).toBe(429);
  });

  test("the default, 50 per 600 s, reaches the app through the configuration", async () => {
    const { api } = await makeApp({ signupRateLimit: { max: 50, windowSeconds: 600 } });
    const sent = await api.send("POST", "/users/", {
      json: { email: "d@example.com", password: "password-123" },
    });
    expect(sent.headers.get("ratelimit-policy")).toBe('"signup";q=50;w=600');
  });

  test("with the store (Redis) down it fails open: sign-ups go on, without RateLimit headers", async () => {
    const store = new RedisStore({
      url: "redis://127.0.0.1:1",
      timeoutMs: 200,
      connectTimeoutMs: 200,
    });
    const { api, logs, close } = await makeApp(
      { signupRateLimit: { max: 1, windowSeconds: 60 } },
      { rateLimitStore: store },
    );
    try {
      for (const email of ["a@example.com", "b@example.com"]) {
        const sent = await api.send("POST", "/users/", {
          json: { email, password: "password-123" },
        });
        expectJson(sent, 201);
        expect(sent.headers.get("ratelimit")).toBeNull();
      }
      expect(logs.some((line) => /signup.*store unavailable.*failing open/.test(line))).toBe(true);
    } finally {
      await close();
    }
  });
});

describe("password length in code points (NIST SP 800-63B), NFKC before hashing", () => {
  const emoji = "\u{1F511}";

  test("4 emoji (8 UTF-16 units) → 422 that names the field and never echoes it", async () => {
    const { api } = await makeApp();
    const password = emoji.repeat(4);
    const sent = await api.send("POST", "/users/", {
      json: { email: "e@example.com", password },
    });
    expectProblem(sent, 422, "Invalid request body", [
      { path: "/password", message: "must be a string of 8 to 128 characters" },
    ]);
    expect(sent.text).not.toContain(password);
    expect(sent.text).not.toContain(emoji);
  });

  test("8 emoji → 201, and the same 8 emoji log in; 128 → 201, 129 → 422", async () => {
    const { api } = await makeApp();
    const eight = await api.send("POST", "/users/", {
      json: { email: "eight@example.com", password: emoji.repeat(8) },
    });
    expectJson(eight, 201);
    expectJson(await api.login("eight@example.com", emoji.repeat(8)), 200);
    const max = await api.send("POST", "/users/", {
      json: { email: "max@example.com", password: emoji.repeat(128) },
    });
    expectJson(max, 201);
    const over = await api.send("POST", "/users/", {
      json: { email: "over@example.com", password: emoji.repeat(129) },
    });
    expect(over.status).toBe(422);
  });

  test('a password registered as "\uFB01…" (one compatibility character) logs in with its NFKC form "fi…"', async () => {
    const { api } = await makeApp();
    await api.register("fi@example.com", "\uFB01ne-password");
    expectJson(await api.login("fi@example.com", "fine-password"), 200);
    expectJson(await api.login("fi@example.com", "\uFB01ne-password"), 200);
    expectProblem(
      await api.login("fi@example.com", "fine-passwort"),
      401,
      "Incorrect email or password",
    );
  });

  test("a hash made before the change, of the raw non-NFKC password, still logs in", async () => {
    const { api, deps } = await makeApp();
    const raw = "\uFB01ne-password";
    await deps.repo.insertUser({
      email: "legacy@example.com",
      passwordHash: await Bun.password.hash(raw, { algorithm: "argon2id", ...CHEAP_HASHING }),
      name: null,
    });
    expectJson(await api.login("legacy@example.com", raw), 200);
  });

  test("the OpenAPI document still says 8 to 128", async () => {
    const { api } = await makeApp();
    const doc = (await api.get("/openapi.json")).body;
    expect(doc.components.schemas.UserCreate.properties.password).toMatchObject({
      type: "string",
      minLength: 8,
      maxLength: 128,
    });
  });
});
