import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { loadConfig } from "@statuslab/api";
import { createStyle } from "../color.ts";
import { jwtParts, withSubject } from "../forge-token.ts";
import { prepareRequest, send } from "../http.ts";
import { lessons } from "../lessons/index.ts";
import { remoteTarget, startInProcess, type Target } from "../target.ts";
import { fakeTarget, lesson as fixtureLesson } from "../test-support.ts";
import { attemptVars, challengeIdsOf, challenges, challengesOf } from "./all.ts";
import { check, describeEntry, describeWant } from "./check.ts";
import { challengeSections } from "./docs.ts";
import { runChallenges } from "./interactive.ts";
import { RequestLog } from "./log.ts";
import type { LogEntry } from "./model.ts";
import { verifySolution } from "./solve.ts";

const entry = (
  fields: Partial<LogEntry> & Pick<LogEntry, "method" | "path" | "status">,
): LogEntry => ({
  seq: 0,
  request_id: "r",
  query: "",
  fields: {},
  headers: {},
  ...fields,
});

/** A sign-up's log entry; `problem` holds what a failed one carries (its detail, its headers). */
const signUpEntry = (status: number, email: string, problem: Partial<LogEntry> = {}) =>
  entry({ method: "POST", path: "/users/", status, fields: { email }, ...problem });

const byId = (id: string) => {
  const found = challenges.find((c) => c.id === id);
  if (!found) throw new Error(`no challenge ${id}`);
  return found;
};

/** Sign-ups the API's limit never counts: they fail before the count (as signup-budget.test.ts). */
const NEVER_COUNTED = new Set([400, 413, 415, 422]);

describe("the challenges as data", () => {
  test("every lesson has at least one, every challenge belongs to a lesson, ids are unique", () => {
    for (const lesson of lessons)
      expect(challengeIdsOf(lesson.id).length, lesson.id).toBeGreaterThan(0);
    const lessonIds = new Set(lessons.map((l) => l.id));
    for (const c of challenges) expect(lessonIds.has(c.lessonId), c.id).toBe(true);
    expect(new Set(challenges.map((c) => c.id)).size).toBe(challenges.length);
    expect(challenges.length).toBeGreaterThanOrEqual(10);
    for (const c of challenges) {
      expect(c.hints.length, c.id).toBeGreaterThan(0);
      expect(c.goal.length, c.id).toBeGreaterThan(0);
    }
  });

  test("the lessons' sign-ups and the reference solutions' fit in one SIGNUP_RATE_LIMIT window", () => {
    const { signupRateLimit } = loadConfig({ NODE_ENV: "test", JWT_SECRET: "s".repeat(32) });
    const signUp = (method: string, path: string) => method === "POST" && /^\/users\/?$/.test(path);
    const ofLessons = lessons
      .flatMap((l) => l.steps)
      .filter(
        (s) => signUp(s.request.method, s.request.path) && !NEVER_COUNTED.has(s.expect.status),
      ).length;
    const ofSolutions = challenges
      .flatMap((c) => c.solution)
      .filter((s) => signUp(s.request.method, s.request.path) && !s.request.form).length;
    expect(ofLessons + ofSolutions).toBeLessThanOrEqual(signupRateLimit.max);
  });

  test("a goal reads as a person writes it", () => {
    expect(describeWant({ method: "POST", path: "/users/", status: 415 })).toBe(
      "POST /users/ → 415 Unsupported Media Type",
    );
    expect(
      describeWant({
        method: "GET",
        path: /^\/users\/\d+$/,
        status: 404,
        detail: "User not found",
      }),
    ).toBe('GET /users/{id} → 404 Not Found "User not found"');
    expect(describeWant({ method: "DELETE", path: /^\/users\/(\d+|me)$/, status: 204 })).toBe(
      "DELETE /users/{id} or /users/me → 204 No Content",
    );
    expect(byId("read-allow").goal.map((want) => describeWant(want))).toEqual([
      "any request → 405 Method Not Allowed (with an Allow header)",
      "any request → any status (a method its Allow named, on the same path)",
    ]);
    const limit = byId("exhaust-a-limit").goal[0];
    if (!limit) throw new Error("no goal");
    expect(describeWant(limit, { mark: "m1" })).toBe(
      "GET /users/limited?client_id=me-m1 → 200 OK ×5",
    );
  });
});

test("the docs' solution leaves an id to fill in as <NAME>, in a quoted URL, not percent-encoded", () => {
  const [roles] = challengeSections("roles", "10-roles");
  expect(roles).toContain("curl -i -X DELETE 'http://localhost:8000/users/<B_ID>'");
  expect(roles).not.toContain("%3C");
});

test("the docs' challenge says 'in this order' only for several goals, and warns that example addresses are taken", () => {
  const [badInput] = challengeSections("bad-input", "03-bad-input");
  expect(badInput).toContain("Solved when the log shows:");
  expect(badInput).not.toContain("signed up answers 409");
  const [deleting] = challengeSections("deleting", "11-deleting");
  expect(deleting).toContain("Solved when the log shows, in this order:");
  expect(deleting).toContain("The addresses below are examples: one already signed up answers 409");
});

test("an answer in the log reads without a detail that only repeats its reason phrase", () => {
  const refused = { method: "PUT", path: "/users/me", status: 405 };
  expect(describeEntry(entry({ ...refused, detail: "Method Not Allowed" }))).toBe(
    "PUT /users/me → 405 Method Not Allowed",
  );
  expect(describeEntry(entry({ ...refused, status: 401, detail: "Invalid token" }))).toBe(
    "PUT /users/me → 401 Unauthorized (Invalid token)",
  );
});

describe("the checker", () => {
  const goal415 = byId("make-it-415").goal;

  test("a wrong attempt is rejected, saying what it saw; the right one is recognised", () => {
    const wrong = [
      entry({ method: "POST", path: "/users/", status: 422, detail: "Invalid request body" }),
    ];
    expect(check(goal415, wrong)).toEqual({
      solved: false,
      met: 0,
      saw: "POST /users/ answered 422 Unprocessable Content, not 415",
      missed: true,
    });
    const right = [
      ...wrong,
      entry({
        method: "POST",
        path: "/users/",
        status: 415,
        detail: "Send the body as application/json",
      }),
    ];
    expect(check(goal415, right).solved).toBe(true);
  });

  test("the wrong 401 is not the one asked for", () => {
    const issued = { header: "h", sub: "7", signature: "s" };
    const verdict = check(byId("forge-a-token").goal, [
      entry({ method: "POST", path: "/users/", status: 201, issued }),
      entry({ method: "GET", path: "/users/me", status: 401, detail: "Not authenticated" }),
    ]);
    expect(verdict).toEqual({
      solved: false,
      met: 0,
      saw: 'GET /users/me answered 401 "Not authenticated", not "Invalid token"',
      missed: true,
    });
  });

  test("order matters, and the marker keeps other clients' requests out", () => {
    const goal = byId("exhaust-a-limit").goal;
    const vars = { mark: "m1" };
    const limited = (status: number, client: string) =>
      entry({
        method: "GET",
        path: "/users/limited",
        status,
        query: `client_id=${client}`,
        ...(status === 429
          ? { detail: "Rate limit exceeded", headers: { "retry-after": "60" } }
          : {}),
      });
    // The lesson's own client, already exhausted: a 429 at once, which is not this challenge.
    expect(check(goal, [limited(429, "lesson-x")], vars)).toMatchObject({
      solved: false,
      saw: 'GET /users/limited client_id was "lesson-x", not "me-m1"',
    });
    const five = Array.from({ length: 5 }, () => limited(200, "me-m1"));
    expect(check(goal, five.slice(0, 3), vars)).toMatchObject({
      solved: false,
      saw: "waiting for: GET /users/limited?client_id=me-m1 → 200 OK ×5; 3 of 5 so far",
      missed: false,
    });
    expect(check(goal, [...five, limited(429, "me-m1")], vars).solved).toBe(true);
    // A 409 before its sign-up does not count: the goal is read in order.
    const conflict = byId("get-a-409").goal;
    const post = (status: number) =>
      entry({
        method: "POST",
        path: "/users/",
        status,
        fields: { email: status === 409 ? "ME@EXAMPLE.COM" : "me@example.com" },
        detail: status === 409 ? "Email already registered" : undefined,
      });
    expect(check(conflict, [post(409), post(201)]).solved).toBe(false);
    expect(check(conflict, [post(201), post(409)]).solved).toBe(true);
  });
});

describe("the checker takes any entries that meet the goal, not only the first ones", () => {
  test("a first part done on the wrong path can be done again on the right one", () => {
    const goal = byId("who-before-which").goal;
    const get = (path: string, status: number, detail: string) =>
      entry({ method: "GET", path, status, detail });
    const anonymousOne = get("/users/1", 401, "Not authenticated");
    const tokenAbc = get("/users/abc", 422, "Invalid path parameter");
    expect(check(goal, [anonymousOne, tokenAbc])).toMatchObject({
      solved: false,
      met: 1,
      saw: "GET /users/abc not the same path",
    });
    const anonymousAbc = get("/users/abc", 401, "Not authenticated");
    expect(check(goal, [anonymousOne, tokenAbc, anonymousAbc, tokenAbc])).toMatchObject({
      solved: true,
      met: [anonymousAbc, tokenAbc],
    });
  });

  test("a method from the second 405's Allow, on that path, answers it", () => {
    const goal = byId("read-allow").goal;
    const refused = (path: string, allow: string) =>
      entry({ method: "PUT", path, status: 405, headers: { allow } });
    const log = [
      refused("/users/me", "DELETE, GET, HEAD"),
      refused("/token", "POST"),
      entry({ method: "POST", path: "/token", status: 401 }),
    ];
    expect(check(goal, log).solved).toBe(true);
    expect(
      check(goal, [...log.slice(0, 2), entry({ method: "GET", path: "/token", status: 405 })]),
    ).toMatchObject({ solved: false });
  });

  test("the 404 that hides is on an account signed up for it, not on an id nobody has", () => {
    const goal = byId("forbidden-then-hidden").goal;
    const signUp = (id: number) =>
      entry({
        method: "POST",
        path: "/users/",
        status: 201,
        headers: { location: `/users/${id}` },
      });
    const onUser = (id: number) => [
      entry({
        method: "DELETE",
        path: `/users/${id}`,
        status: 403,
        detail: "Not enough permissions",
      }),
      entry({ method: "GET", path: `/users/${id}`, status: 404, detail: "User not found" }),
    ];
    // 403 and 404 whether or not the id exists: alone, they show nothing hidden.
    expect(check(goal, onUser(999)).solved).toBe(false);
    expect(check(goal, [signUp(2), signUp(3), ...onUser(999)]).solved).toBe(false);
    // A, then B, then A's requests on B: B's sign-up is the one that counts, and "not yet"
    // says so half way rather than measuring against A's.
    const [deleteB] = onUser(3);
    expect(check(goal, [signUp(2), signUp(3), deleteB as LogEntry])).toEqual({
      solved: false,
      met: 2,
      saw: 'waiting for: GET /users/{id} → 404 Not Found "User not found" (the same account)',
      missed: false,
    });
    expect(check(goal, [signUp(2), signUp(3), ...onUser(3)]).solved).toBe(true);
  });
});

describe("which grant a POST /token was", () => {
  const token = (status: number, fields: Record<string, string> = {}, detail?: string) =>
    entry({ method: "POST", path: "/token", status, fields, ...(detail ? { detail } : {}) });
  const madeUp = token(401, { grant_type: "refresh_token" }, "Invalid refresh token");

  test("two logins are not a refresh spent by hand", () => {
    const goal = byId("refresh-by-hand").goal;
    // The logins are the way to a real refresh token: awaited, not blamed.
    expect(check(goal, [madeUp, token(200), token(200, { grant_type: "password" })])).toMatchObject(
      { solved: false, met: 1, saw: "waiting for: POST /token → 200 OK (a refresh grant)" },
    );
    const refreshed = token(200, { grant_type: "refresh_token" });
    expect(check(goal, [madeUp, token(200), refreshed]).solved).toBe(true);
    // Logging in before making one up is as good: the real token is spent after the made-up one.
    expect(check(goal, [token(200), madeUp, refreshed]).solved).toBe(true);
    expect(check(goal, [token(200), refreshed, madeUp]).solved).toBe(false);
  });

  test("a refresh after a failed login is not the login asked for", () => {
    const goal = byId("fail-then-log-in").goal;
    const failed = token(401, {}, "Incorrect email or password");
    expect(check(goal, [failed, token(200, { grant_type: "refresh_token" })]).solved).toBe(false);
    expect(check(goal, [failed, token(200)]).solved).toBe(true);
  });
});

describe("the same request spelled another way counts, as it does for the API", () => {
  test("a trailing slash makes no difference", () => {
    const at = (method: string, path: string, status: number, more: Partial<LogEntry> = {}) =>
      entry({ method, path, status, ...more });
    expect(check(byId("make-it-415").goal, [at("POST", "/users", 415)]).solved).toBe(true);
    const created = at("POST", "/users", 201, { headers: { location: "/users/3" } });
    const follow = byId("sign-up-and-follow").goal;
    expect(check(follow, [created, at("GET", "/users/3/", 200)]).solved).toBe(true);
    expect(check(follow, [created, at("GET", "/users/4", 200)]).solved).toBe(false);
    const allow = { headers: { allow: "DELETE, GET, HEAD" } };
    const readAllow = byId("read-allow").goal;
    expect(
      check(readAllow, [at("PUT", "/users/me/", 405, allow), at("GET", "/users/me", 200)]),
    ).toMatchObject({ solved: true });
    expect(
      check(readAllow, [at("PUT", "/users/me", 405, allow), at("GET", "/users/7", 200)]),
    ).toMatchObject({ solved: false });
    const revoked = at("POST", "/token", 401, { detail: "Refresh token revoked" });
    const logOut = byId("log-out-then-refresh").goal;
    expect(check(logOut, [at("POST", "/token/revoke/", 200), revoked]).solved).toBe(true);
  });

  test("a HEAD counts as its GET; having no body, it is asked no detail", () => {
    const goal = byId("exhaust-a-limit").goal;
    const head = (status: number, headers: Record<string, string> = {}) =>
      entry({ method: "HEAD", path: "/users/limited", status, query: "client_id=me-m1", headers });
    const five = Array.from({ length: 5 }, () => head(200));
    expect(check(goal, [...five, head(429, { "retry-after": "60" })], { mark: "m1" }).solved).toBe(
      true,
    );
    // Not any method: a POST is not the GET asked for.
    const post = entry({ method: "POST", path: "/users/", status: 415 });
    expect(check(byId("sign-up-and-follow").goal, [post]).solved).toBe(false);
  });

  test("401 then 422 on one path, whatever the method", () => {
    const goal = byId("who-before-which").goal;
    const del = (status: number, detail: string, path = "/users/abc") =>
      entry({ method: "DELETE", path, status, detail });
    const anonymous = del(401, "Not authenticated");
    expect(check(goal, [anonymous, del(422, "Invalid path parameter")]).solved).toBe(true);
    expect(check(goal, [anonymous, del(422, "Invalid path parameter", "/users/0")]).solved).toBe(
      false,
    );
  });

  test("the look after a delete presents the token that deleted, by id or as /users/me", () => {
    const goal = byId("delete-and-look").goal;
    const token = (sub: string) => ({ header: "h", sub, signature: `s-${sub}` });
    const deleted = (path: string) =>
      entry({ method: "DELETE", path, status: 204, presented: token("5") });
    const look = (sub: string) =>
      entry({
        method: "GET",
        path: "/users/me",
        status: 401,
        detail: "Could not validate credentials",
        presented: token(sub),
      });
    expect(check(goal, [deleted("/users/5"), look("5")]).solved).toBe(true);
    expect(check(goal, [deleted("/users/me"), look("5")]).solved).toBe(true);
    // Another deleted account's token: a 401 for the same reason, but not the token asked for.
    expect(check(goal, [deleted("/users/5"), look("6")])).toMatchObject({
      solved: false,
      saw: "GET /users/me not the token that deleted it",
    });
  });
});

test("the 409 asked for is the address signed up, again in other letter case", () => {
  const goal = byId("get-a-409").goal;
  const conflict = (email: string) =>
    signUpEntry(409, email, { detail: "Email already registered" });
  const created = signUpEntry(201, "me-1@example.com");
  expect(check(goal, [created, conflict("me-1@example.com")])).toMatchObject({
    solved: false,
    saw: "POST /users/ not its address in other letter case",
  });
  expect(check(goal, [created, conflict("admin@lessons.local")]).solved).toBe(false);
  expect(check(goal, [created, conflict("ME-1@EXAMPLE.COM")]).solved).toBe(true);
});

test("the forgery asked for is a token issued here with only its sub changed, not any bad token", () => {
  const goal = byId("forge-a-token").goal;
  const mine = { header: "h", sub: "7", signature: "s" };
  // The log names the issued token a presented one was made from (RequestLog's own test).
  const me = (presented?: LogEntry["presented"], presentedOriginal?: LogEntry["presented"]) =>
    entry({
      method: "GET",
      path: "/users/me",
      status: 401,
      detail: "Invalid token",
      ...(presented ? { presented } : {}),
      ...(presentedOriginal ? { presentedOriginal } : {}),
    });
  // `Authorization: Bearer <token>` pasted as it stands: "Invalid token" too, but no forgery.
  expect(check(goal, [me()])).toMatchObject({
    solved: false,
    saw: "GET /users/me not a token issued here with only its sub changed",
  });
  // A token this API never issued, or one of its own unchanged, is no forgery of it.
  expect(check(goal, [me({ ...mine, sub: "8", signature: "other" })]).solved).toBe(false);
  expect(check(goal, [me(mine, mine)]).solved).toBe(false);
  expect(check(goal, [me({ ...mine, sub: "8" }, mine)]).solved).toBe(true);
});

test("the retry after the outage is the same sign-up, not just any", () => {
  const goal = byId("outage-then-retry").goal;
  const outage = signUpEntry(503, "me-1@example.com", {
    detail: "Database unavailable",
    headers: { "retry-after": "1" },
  });
  // Another address is created all the same: no mistake, but not the retry still awaited.
  expect(check(goal, [outage, signUpEntry(201, "other@example.com")])).toMatchObject({
    solved: false,
    met: 1,
    saw: "waiting for: POST /users/ → 201 Created (the same address as the 503's)",
    missed: false,
  });
  expect(check(goal, [outage, signUpEntry(201, "me-1@example.com")]).solved).toBe(true);
});

describe("the request log", () => {
  test("an answer is published once its access line and its response are joined; old entries go first", async () => {
    const log = new RequestLog();
    const answer = async (i: number) => {
      const id = `r-${i}`;
      log.access({
        method: "GET",
        path: "/users/limited",
        status: 200,
        duration_ms: 1,
        request_id: id,
      });
      await log.answered(
        new Request(`http://api.test/users/limited?client_id=c${i}`),
        new Response("{}", { headers: { "x-request-id": id } }),
      );
    };
    // A response nobody logged (or logged twice) is not an entry.
    await log.answered(
      new Request("http://api.test/"),
      new Response("", { headers: { "x-request-id": "stray" } }),
    );
    expect(log.mark()).toBe(0);
    for (let i = 1; i <= 2500; i++) await answer(i);
    expect(log.mark()).toBe(2500);
    const recent = log.since(2490);
    expect(recent.map((e) => e.query)).toEqual(
      Array.from({ length: 10 }, (_, k) => `client_id=c${2491 + k}`),
    );
    expect(log.since(0).length).toBeLessThanOrEqual(2000);
  });
});

describe("against the in-process API", () => {
  let target: Target;
  beforeAll(async () => {
    target = await startInProcess({ passwordHashing: { memoryCost: 1024, timeCost: 1 } });
  });
  afterAll(() => target.close());

  test("the log is the API's own: each answer once, with what the checks read", async () => {
    const log = target.log;
    if (!log) throw new Error("no log in-process");
    const mark = log.mark();
    const request = prepareRequest({ method: "PUT", path: "/users/me?x=1" }, {}, target.baseUrl);
    const answer = await send(request);
    const seen = log.since(mark);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: "PUT",
      path: "/users/me",
      status: 405,
      query: "x=1",
      detail: "Method Not Allowed",
      headers: { allow: answer.headers.find(([n]) => n === "allow")?.[1] },
      request_id: answer.headers.find(([n]) => n === "x-request-id")?.[1],
    });
  });

  test("a body's grant_type and email are kept, never a password; only once the API read it", async () => {
    const log = target.log;
    if (!log) throw new Error("no log in-process");
    const mark = log.mark();
    const post = (
      path: string,
      spec: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> },
    ) => send(prepareRequest({ method: "POST", path, ...spec }, {}, target.baseUrl));
    await post("/token", { form: { username: "nobody@example.com", password: "secret-pw-1" } });
    await post("/token", { form: { grant_type: "refresh_token", refresh_token: "slr_nope" } });
    await post("/users/", { json: { email: "Kept@Example.com", password: "secret-pw-1" } });
    // Media types are case-insensitive (RFC 9110 §8.3.1): the API read this one as JSON too.
    await post("/users/", {
      json: { email: "kept@EXAMPLE.com", password: "secret-pw-1" },
      headers: { "content-type": "Application/JSON" },
    });
    // Refused for its format before the API read a byte of it: nothing is read here either.
    await post("/users/", { form: { email: "form@example.com", password: "secret-pw-1" } });
    expect(log.since(mark).map((e) => [e.status, e.fields])).toEqual([
      [401, {}],
      [401, { grant_type: "refresh_token" }],
      [201, { email: "Kept@Example.com" }],
      [409, { email: "kept@EXAMPLE.com" }],
      [415, {}],
    ]);
  });

  test("the log keeps the token an answer issued and the one a request presented", async () => {
    const log = target.log;
    if (!log) throw new Error("no log in-process");
    const mark = log.mark();
    const vars = attemptVars(target);
    const signUp = await send(
      prepareRequest(
        {
          method: "POST",
          path: "/users/",
          json: { email: "t-{{mark}}@example.com", password: "pw-123456" },
        },
        vars,
        target.baseUrl,
      ),
    );
    const token = (signUp.json as { token: string }).token;
    await send(
      prepareRequest(
        { method: "GET", path: "/users/me", headers: { authorization: `Bearer ${token}` } },
        vars,
        target.baseUrl,
      ),
    );
    const [issued, presented] = log.since(mark);
    expect(issued?.issued).toEqual(jwtParts(token));
    expect(presented?.presented).toEqual(jwtParts(token));
    expect(presented?.issued).toBeUndefined();

    // Later (a challenge started since), that token edited: the log names the one it came from.
    const later = log.mark();
    const present = (bearer: string) =>
      send(
        prepareRequest(
          { method: "GET", path: "/users/me", headers: { authorization: `Bearer ${bearer}` } },
          vars,
          target.baseUrl,
        ),
      );
    await present(withSubject(token, "999"));
    const [head, payload] = token.split(".");
    await present(`${head}.${payload}.${"A".repeat(43)}`);
    const [forged, unknown] = log.since(later);
    expect(forged).toMatchObject({ status: 401, detail: "Invalid token" });
    expect(forged?.presented?.sub).toBe("999");
    expect(forged?.presentedOriginal).toEqual(jwtParts(token));
    expect(unknown?.presentedOriginal).toBeUndefined();
  });

  test("a wrong attempt (422 where 415 is asked) is rejected; the reference solution is recognised", async () => {
    const log = target.log;
    if (!log) throw new Error("no log in-process");
    const challenge = byId("make-it-415");
    const vars = attemptVars(target);
    const mark = log.mark();
    await send(
      prepareRequest(
        {
          method: "POST",
          path: "/users/",
          json: { email: "not-an-email", password: "long-enough-1" },
        },
        vars,
        target.baseUrl,
      ),
    );
    expect(check(challenge.goal, log.since(mark), vars)).toEqual({
      solved: false,
      met: 0,
      saw: "POST /users/ answered 422 Unprocessable Content, not 415",
      missed: true,
    });
    expect((await verifySolution(challenge, target)).solved).toBe(true);
  });

  test("requests made before a challenge starts never count", async () => {
    const log = target.log;
    if (!log) throw new Error("no log in-process");
    const challenge = byId("make-it-415");
    const vars = attemptVars(target);
    const before = log.mark();
    const form = { method: "POST" as const, path: "/users/", form: { email: "a@b.c" } };
    await send(prepareRequest(form, vars, target.baseUrl));
    expect(check(challenge.goal, log.since(before), vars).solved).toBe(true);
    expect(check(challenge.goal, log.since(log.mark()), vars).solved).toBe(false);
  });
});

describe("the outage challenge", () => {
  const style = createStyle(false);
  const outage = lessons.find((l) => l.id === "database-outage");
  // At `/users`, not the task's `/users/`: the same route to the API, so the same to the checker
  // (compared exactly, the lock was never let go).
  const signUp = (target: Target, email: string) =>
    fetch(`${target.baseUrl}/users`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: "outage-password-1" }),
    });

  test("the runner holds the lock until the log shows the 503, then the same sign-up passes", async () => {
    const target = await startInProcess({ passwordHashing: { memoryCost: 1024, timeCost: 1 } });
    try {
      if (!outage) throw new Error("no database-outage lesson");
      let out = "";
      const statuses: number[] = [];
      const keys = ["send", "send"];
      const result = await runChallenges(outage, {
        print: (text) => {
          out += text;
        },
        input: {
          interactive: false,
          async key() {
            if (!keys.shift()) return "eof";
            statuses.push((await signUp(target, "outage@example.com")).status);
            return "enter";
          },
          poll: () => undefined,
          line: async () => undefined,
          close() {},
        },
        style,
        target,
      });
      expect(statuses).toEqual([503, 201]);
      expect(result).toEqual({ solved: ["outage-then-retry"], quit: false });
      const taken = out.indexOf("⚙ Write lock taken");
      const released = out.indexOf("⚙ Write lock let go");
      const the503 = out.indexOf("← POST /users → 503 Service Unavailable (Database unavailable)");
      expect(taken).toBeGreaterThan(-1);
      expect(the503).toBeGreaterThan(taken);
      expect(released).toBeGreaterThan(the503);
    } finally {
      await target.close();
    }
  }, 30_000);

  test("quitting while the lock is held lets go of it", async () => {
    const target = await startInProcess({ passwordHashing: { memoryCost: 1024, timeCost: 1 } });
    try {
      if (!outage) throw new Error("no database-outage lesson");
      const result = await runChallenges(outage, {
        print: () => {},
        input: {
          interactive: false,
          key: async () => "q",
          poll: () => undefined,
          line: async () => undefined,
          close() {},
        },
        style,
        target,
      });
      expect(result).toEqual({ solved: [], quit: true });
      expect((await signUp(target, "after-quit@example.com")).status).toBe(201);
    } finally {
      await target.close();
    }
  }, 30_000);
});

describe("runChallenges", () => {
  const style = createStyle(false);
  const rateLimiting = lessons.find((l) => l.id === "rate-limiting");

  test("keys from a pipe: a hint, then the log shows the goal met and it says what it saw", async () => {
    const target = await startInProcess({ passwordHashing: { memoryCost: 1024, timeCost: 1 } });
    try {
      // The learner read Retry-After off the 429 and types it in.
      const { out, result } = await solveRateLimit(target, (retryAfter) => retryAfter, "h");
      expect(result).toEqual({ solved: ["exhaust-a-limit"], quit: false });
      expect(out).toContain("How many seconds did Retry-After ask you to wait?");
      expect(out).toContain("✓ right, that is what the answer said");
      expect(out).toContain(`Your API: ${target.baseUrl}`);
      expect(out).toContain("Hint 1 of 2");
      expect(out).toMatch(
        // At 80 columns (the default) the line wraps before its last word.
        /← GET \/users\/limited\?client_id=me-\w+ → 429 Too Many Requests \(Rate limit\s+exceeded\)/,
      );
      expect(out).toContain("✓ Solved: exhaust a client's limit and read Retry-After");
    } finally {
      await target.close();
    }
  });

  /**
   * The rate-limit challenge from a pipe: `firstKey`, then six requests with the task's mark, as
   * curl would send them; `answer` is what the learner types at the question after.
   */
  async function solveRateLimit(
    target: Target,
    answer: (retryAfter: string) => string | undefined,
    firstKey = "x",
  ) {
    if (!rateLimiting) throw new Error("no rate-limiting lesson");
    let out = "";
    let retryAfter = "";
    const keys = [firstKey, "solve"];
    const result = await runChallenges(rateLimiting, {
      print: (text) => {
        out += text;
      },
      input: {
        interactive: false,
        async key() {
          const key = keys.shift() ?? "eof";
          if (key !== "solve") return key;
          const mark = out.match(/client_id=(me-[a-z0-9]+)/)?.[1];
          for (let i = 0; i < 6; i++) {
            const got = await fetch(`${target.baseUrl}/users/limited?client_id=${mark}`);
            retryAfter = got.headers.get("retry-after") ?? "";
          }
          return "enter";
        },
        poll: () => undefined,
        line: async () => answer(retryAfter),
        close() {},
      },
      style,
      target,
    });
    return { out, result };
  }

  test("the Retry-After question takes the number with its unit; the end of input there keeps it solved", async () => {
    const target = await startInProcess({ passwordHashing: { memoryCost: 1024, timeCost: 1 } });
    try {
      const withUnit = await solveRateLimit(target, (seconds) => `${seconds} seconds`);
      expect(withUnit.out).toContain("✓ right, that is what the answer said");
      expect(withUnit.result).toEqual({ solved: ["exhaust-a-limit"], quit: false });
      // A key that means nothing here gets a line saying what does.
      expect(withUnit.out).toContain("Send your requests from another terminal; here: [h] hint");

      const wrong = await solveRateLimit(target, () => "5");
      expect(wrong.out).toMatch(/The answer said \d+\./);

      const ended = await solveRateLimit(target, () => undefined);
      expect(ended.result).toEqual({ solved: ["exhaust-a-limit"], quit: true });
    } finally {
      await target.close();
    }
  });

  test("a 405 from Swagger UI's own path counts; loading the page is checked but not shown", async () => {
    const lesson = lessons.find((l) => l.id === "wrong-method-and-size");
    if (!lesson) throw new Error("no wrong-method-and-size lesson");
    const target = await startInProcess({ passwordHashing: { memoryCost: 1024, timeCost: 1 } });
    try {
      let out = "";
      const keys = ["solve"];
      const result = await runChallenges(lesson, {
        print: (text) => {
          out += text;
        },
        input: {
          interactive: false,
          async key() {
            if (!keys.shift()) return "eof";
            await fetch(`${target.baseUrl}/openapi.json`, { method: "POST" });
            await fetch(`${target.baseUrl}/openapi.json`);
            return "enter";
          },
          poll: () => undefined,
          line: async () => undefined,
          close() {},
        },
        style,
        target,
      });
      expect(result).toEqual({ solved: ["read-allow"], quit: false });
      expect(out).toContain("← POST /openapi.json → 405 Method Not Allowed");
      expect(out).not.toContain("← GET /openapi.json");
      expect(out).toContain("    GET /openapi.json → 200 OK");
    } finally {
      await target.close();
    }
  });

  test("past the last hint it names the page with the solution", async () => {
    const lesson = lessons.find((l) => l.id === "roles");
    if (!lesson) throw new Error("no roles lesson");
    let out = "";
    const keys = ["h", "h", "h", "q"];
    await runChallenges(lesson, {
      print: (text) => {
        out += text;
      },
      input: {
        interactive: false,
        key: async () => keys.shift() ?? "eof",
        poll: () => undefined,
        line: async () => undefined,
        close() {},
      },
      style,
      target: { ...fakeTarget("http://127.0.0.1:9"), log: new RequestLog() },
      width: 200,
    });
    expect(out).toContain(
      'No more hints: docs/lessons/10-roles.md has a solution, under "Challenge: get a 403, then a 404 that hides".',
    );
  });

  test("with --url there is no log to watch: it says so and skips", async () => {
    let out = "";
    const lesson = lessons.find((l) => challengesOf(l.id).length) ?? fixtureLesson("x", []);
    const result = await runChallenges(lesson, {
      print: (text) => {
        out += text;
      },
      input: {
        interactive: false,
        key: async () => "q",
        poll: () => undefined,
        line: async () => undefined,
        close() {},
      },
      style,
      target: fakeTarget("http://127.0.0.1:9"),
    });
    expect(result).toEqual({ solved: [], quit: false });
    expect(remoteTarget("http://127.0.0.1:9").log).toBeUndefined();
    expect(out).toContain("Challenge skipped");
    expect(out).toContain("--url");
  });
});
