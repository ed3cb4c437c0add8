import { afterAll, describe, expect, test } from "bun:test";
import { runLesson, runStep } from "./run.ts";
import { type RunOptions, startLesson } from "./run-state.ts";
import { fakeTarget, lesson, step, stubApi } from "./test-support.ts";

const api = stubApi();
afterAll(() => api.stop());

const auto = (
  powers: Parameters<typeof fakeTarget>[1] = [],
  admin = true,
): RunOptions & {
  target: ReturnType<typeof fakeTarget>;
} => ({ target: fakeTarget(api.baseUrl, powers, admin), mode: "auto" });

describe("runStep", () => {
  test("fills placeholders, sends, checks and captures", async () => {
    const options = auto();
    const signUp = step({
      id: "sign-up",
      request: { method: "POST", path: "/users/", json: { email: "a-{{run}}@x.io" } },
      expect: { status: 201, headers: { location: /^\/users\/\d+$/ } },
      capture: { token: "/token", id: "/user/id", where: "header:location" },
    });
    const echo = step({
      id: "echo",
      request: {
        method: "POST",
        path: "/echo?id={{id}}",
        bearer: "token",
        form: { who: "{{adminEmail}}" },
      },
      expect: {
        status: 200,
        body: {
          "/path": "/echo?id=7",
          "/authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI3In0.signature-part",
          "/body": "who=admin%40example.com",
          "/contentType": "application/x-www-form-urlencoded",
        },
      },
    });
    const run = startLesson(lesson("l", [signUp, echo]), options.target);
    const first = await runStep(signUp, run, options);
    expect(first).toMatchObject({ outcome: "passed", status: 201, expected: 201, failures: [] });
    expect(run.vars).toMatchObject({ id: 7, where: "/users/7" });
    expect(first.request?.body).toBe(`{"email":"a-${run.vars.run}@x.io"}`);
    const second = await runStep(echo, run, options);
    expect(second.failures).toEqual([]);
    expect(second.outcome).toBe("passed");
  });

  test("a failed check is reported with its reason, and its captures are not kept", async () => {
    const options = auto();
    const s = step({
      id: "wrong",
      request: { method: "GET", path: "/status/500" },
      expect: { status: 201 },
      capture: { token: "/token" },
    });
    const next = step({
      id: "next",
      request: { method: "GET", path: "/echo", bearer: "token" },
      expect: { status: 200 },
    });
    const results = await runLesson(lesson("l", [s, next]), options);
    expect(results[0]).toMatchObject({
      outcome: "failed",
      status: 500,
      reason: 'status 500 Internal Server Error, expected 201 Created (detail: "stub 500")',
    });
    expect(results[1]).toMatchObject({
      outcome: "failed",
      reason: 'depends on "wrong", which failed',
    });
    expect(results[1]?.status).toBeUndefined();
  });

  test("a capture that finds nothing fails the step", async () => {
    const result = await runStep(
      step({
        id: "c",
        request: { method: "GET", path: "/echo" },
        expect: { status: 200 },
        capture: { x: "/nope", y: "header:location" },
      }),
      startLesson(lesson("l", []), auto().target),
      auto(),
    );
    expect(result.failures).toEqual([
      "could not keep the x: nothing at /nope in the body",
      "could not keep the `Location` header: no location header",
    ]);
  });

  test("repeat sends N times and stops at the first answer that differs", async () => {
    const options = auto();
    const run = startLesson(lesson("l", []), options.target);
    const ok = await runStep(
      step({
        id: "r",
        repeat: 3,
        request: { method: "GET", path: "/echo" },
        expect: { status: 200 },
      }),
      run,
      options,
    );
    expect(ok.responses).toHaveLength(3);
    expect(ok.outcome).toBe("passed");
    const bad = await runStep(
      step({
        id: "b",
        repeat: 3,
        request: { method: "GET", path: "/status/429" },
        expect: { status: 200 },
      }),
      run,
      options,
    );
    expect(bad.responses).toHaveLength(1);
    expect(bad.reason).toStartWith("attempt 1 of 3: status 429");
  });

  test("after-powers run even when the step fails; before-powers run first", async () => {
    const options = auto(["lock-database", "unlock-database"]);
    const result = await runStep(
      step({
        id: "outage",
        request: { method: "GET", path: "/status/500" },
        expect: { status: 503 },
        before: [{ power: "lock-database" }],
        after: [{ power: "unlock-database" }],
      }),
      startLesson(lesson("l", []), options.target),
      options,
    );
    expect(result.outcome).toBe("failed");
    expect(options.target.used).toEqual(["lock-database", "unlock-database"]);
  });

  test("after-powers run even when the request cannot be sent at all", async () => {
    const target = { ...fakeTarget("http://127.0.0.1:1", ["lock-database", "unlock-database"]) };
    const result = await runStep(
      step({
        id: "x",
        request: { method: "GET", path: "/" },
        expect: { status: 200 },
        before: [{ power: "lock-database" }],
        after: [{ power: "unlock-database" }],
      }),
      startLesson(lesson("l", []), target),
      { target, mode: "auto" },
    );
    expect(result.outcome).toBe("failed");
    expect(result.reason).toContain("cannot reach the API at http://127.0.0.1:1");
    expect(target.used).toEqual(["lock-database", "unlock-database"]);
  });

  test("a minted token is made before the request is built", async () => {
    const options = auto(["mint-expired-token"]);
    const run = startLesson(lesson("l", []), options.target);
    run.vars.uid = 7;
    const result = await runStep(
      step({
        id: "m",
        request: { method: "GET", path: "/echo", bearer: "expired" },
        expect: { status: 200, body: { "/authorization": "Bearer expired-for-7" } },
        before: [{ power: "mint-expired-token", userId: "uid", into: "expired" }],
      }),
      run,
      options,
    );
    expect(result.failures).toEqual([]);
  });
});

describe("skipping", () => {
  test("a step whose power the target lacks is skipped with the reason, and so are its dependants", async () => {
    const options = auto([]);
    const results = await runLesson(
      lesson("l", [
        step({
          id: "a",
          request: { method: "GET", path: "/echo" },
          expect: { status: 200 },
          capture: { uid: "/method" },
        }),
        step({
          id: "mint",
          request: { method: "GET", path: "/echo", bearer: "expired" },
          expect: { status: 401 },
          before: [{ power: "mint-expired-token", userId: "uid", into: "expired" }],
        }),
        step({
          id: "reuse",
          request: { method: "GET", path: "/echo", bearer: "expired" },
          expect: { status: 401 },
        }),
      ]),
      options,
    );
    expect(results.map((r) => r.outcome)).toEqual(["passed", "skipped", "skipped"]);
    expect(results[1]?.reason).toBe("no mint-expired-token here");
    expect(results[2]?.reason).toBe('depends on "mint", which was skipped');
    expect(options.target.used).toEqual([]);
  });

  test("admin steps are skipped without admin credentials", async () => {
    const options = auto([], false);
    const result = await runStep(
      step({
        id: "adm",
        needsAdmin: true,
        request: { method: "GET", path: "/echo" },
        expect: { status: 200 },
      }),
      startLesson(lesson("l", []), options.target),
      options,
    );
    expect(result).toMatchObject({ outcome: "skipped" });
    expect(result.reason).toContain("ADMIN_EMAIL");
  });

  test("optional steps are skipped by --auto only", async () => {
    const optional = step({
      id: "o",
      optional: true,
      request: { method: "GET", path: "/echo" },
      expect: { status: 200 },
    });
    const target = fakeTarget(api.baseUrl);
    const run = startLesson(lesson("l", []), target);
    expect((await runStep(optional, run, { target, mode: "auto" })).outcome).toBe("skipped");
    expect((await runStep(optional, run, { target, mode: "interactive" })).outcome).toBe("passed");
  });

  test("waitForRetryAfter waits the previous answer's Retry-After (via the countdown when given)", async () => {
    const target = fakeTarget(api.baseUrl);
    const waited: number[] = [];
    let answer: "send" | "skip" = "send";
    const options: RunOptions = {
      target,
      mode: "interactive",
      countdown: async (seconds) => {
        waited.push(seconds);
        return answer;
      },
    };
    const run = startLesson(lesson("l", []), target);
    const limit = step({
      id: "limit",
      request: { method: "GET", path: "/status/429" },
      expect: { status: 429 },
    });
    const again = step({
      id: "again",
      waitForRetryAfter: true,
      request: { method: "GET", path: "/echo" },
      expect: { status: 200 },
    });
    await runStep(limit, run, options);
    expect((await runStep(again, run, options)).outcome).toBe("passed");
    expect(waited).toEqual([1]);
    // `s` during the countdown skips the step; nothing is sent.
    await runStep(limit, run, options);
    answer = "skip";
    const skipped = await runStep(again, run, options);
    expect(skipped).toMatchObject({
      outcome: "skipped",
      reason: "skipped by the learner",
      responses: [],
    });
    // Retry-After counts from the answer: time spent reading since then is not waited again.
    answer = "send";
    await runStep(limit, run, options);
    const previous = run.previous;
    if (!previous) throw new Error("no previous answer");
    run.previous = { ...previous, receivedAt: performance.now() - 1_000 };
    expect((await runStep(again, run, options)).outcome).toBe("passed");
    // Its one second is over: no countdown this time (the two before were the earlier runs).
    expect(waited).toEqual([1, 1]);
  });

  test("a placeholder nobody sets fails, naming it", async () => {
    const result = await runStep(
      step({
        id: "x",
        request: { method: "GET", path: "/users/{{ghost}}" },
        expect: { status: 200 },
      }),
      startLesson(lesson("l", []), fakeTarget(api.baseUrl)),
      auto(),
    );
    expect(result).toMatchObject({
      outcome: "failed",
      reason: "no value for {{ghost}}: no earlier step sets it",
    });
  });
});

test("a chain of dependants all name the step that failed first", async () => {
  const options = auto();
  const results = await runLesson(
    lesson("l", [
      step({
        id: "root",
        request: { method: "GET", path: "/status/500" },
        expect: { status: 200 },
        capture: { a: "/x" },
      }),
      step({
        id: "mid",
        request: { method: "GET", path: "/echo?a={{a}}" },
        expect: { status: 200 },
        capture: { b: "/path" },
      }),
      step({
        id: "leaf",
        request: { method: "GET", path: "/echo?b={{b}}" },
        expect: { status: 200 },
      }),
    ]),
    options,
  );
  expect(results.map((r) => r.reason)).toEqual([
    'status 500 Internal Server Error, expected 200 OK (detail: "stub 500")',
    'depends on "root", which failed',
    'depends on "mid", which failed',
  ]);
});
