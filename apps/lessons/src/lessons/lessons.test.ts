/**
 * Checks the lesson data itself, without any API: that every lesson is well-formed,
 * self-contained and consistent with the status-code pages. Whether the API really
 * answers as documented is `--auto`'s job.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { NOT_REPLAYED, REPLAYED_STATUS_CODES } from "../coverage.ts";
import { setupSteps } from "../dependencies.ts";
import type { Step } from "../model.ts";
import { powerReads } from "../powers.ts";
import { statusCodes } from "../status-codes.ts";
import { PROBLEM_JSON } from "./_expect.ts";
import { lessons } from "./index.ts";

const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const BUILT_INS = new Set(["run", "adminEmail", "adminPassword"]);
const ADMIN_BUILT_INS = new Set(["adminEmail", "adminPassword"]);
const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

/** Every string inside a value, however deeply nested. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
  return [];
}

const placeholders = (value: unknown) =>
  strings(value).flatMap((text) => [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ""));

/** The variables a step reads: placeholders in its request, its bearer, and its powers' inputs. */
function reads(step: Step): string[] {
  const names = placeholders(step.request);
  if (step.request.bearer) names.push(step.request.bearer);
  for (const power of step.before ?? []) names.push(...powerReads(power));
  return names;
}

/** Variables a step's powers create before it sends. */
const minted = (step: Step) =>
  (step.before ?? []).flatMap((power) => ("into" in power ? [power.into] : []));

const captured = (step: Step) => Object.keys(step.capture ?? {});

const bodyKinds = (step: Step) =>
  (["json", "form", "raw", "oversizedJsonBytes"] as const).filter(
    (kind) => step.request[kind] !== undefined,
  );

const isSignUp = (step: Step) =>
  step.request.method === "POST" && /^\/users\/?$/.test(step.request.path);

const isLogin = (step: Step) => step.request.method === "POST" && step.request.path === "/token";

/** `POST /token` (log in, refresh) and `POST /token/revoke` (log out). */
const isTokenEndpoint = (step: Step) =>
  step.request.method === "POST" && /^\/token(\/revoke)?$/.test(step.request.path);

const allSteps = lessons.flatMap((lesson) => lesson.steps.map((step) => ({ lesson, step })));

/** The people who sign up in the lessons: `dana-{{run}}@example.com` is Dana. */
const people = allSteps.flatMap(({ step }) => {
  const email = (step.request.json as { email?: unknown } | undefined)?.email;
  const who = typeof email === "string" ? email.match(/^([a-z]+)-\{\{run\}\}@/)?.[1] : undefined;
  return who ? [who.charAt(0).toUpperCase() + who.slice(1)] : [];
});

/**
 * Words a step title writes as they are written elsewhere, by their lower case: people,
 * acronyms, method and header names. Any other word in a title is lower case.
 */
const CAPITALISED = new Map(
  [
    ...people,
    ...["I", "JWT", "JSON", "Swagger", "UI", "GET", "PUT", "POST", "PATCH", "DELETE"],
    ...["Authorization", "Bearer", "Location", "Retry-After"],
  ].map((word) => [word.toLowerCase(), word]),
);

describe("lesson list", () => {
  test("there are lessons, and index.ts lists every lesson file exactly once", () => {
    const files = readdirSync(import.meta.dir)
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
      .filter((name) => name !== "index.ts" && !name.startsWith("_"))
      .map((name) => name.slice(0, -".ts".length))
      .sort();
    expect(lessons.map((lesson) => lesson.id).sort()).toEqual(files);
  });

  test("lesson ids are unique and kebab-case", () => {
    const ids = lessons.map((lesson) => lesson.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(KEBAB);
  });

  test("the contract's lessons are all here, in teaching order", () => {
    const ids = lessons.map((lesson) => lesson.id);
    const required = [
      "signing-up",
      "duplicate-email",
      "bad-input",
      "logging-in",
      "protected-route",
      "roles",
      "deleting",
      "route-matching",
      "rate-limiting",
      "database-outage",
      "wrong-method-and-size",
    ];
    for (const id of required) expect(ids).toContain(id);
    expect(ids[0]).toBe("signing-up");
  });
});

describe.each(lessons.map((lesson) => [lesson.id, lesson] as const))("lesson %s", (_, lesson) => {
  test("has a title, an intro, a takeaway and steps", () => {
    expect(lesson.title.trim()).not.toBe("");
    expect(lesson.intro.trim().length).toBeGreaterThan(40);
    expect(lesson.takeaway.trim().length).toBeGreaterThan(40);
    expect(lesson.steps.length).toBeGreaterThan(0);
  });

  test("step ids are unique and kebab-case; titles are short, lower case but for names", () => {
    const ids = lesson.steps.map((step) => step.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const step of lesson.steps) {
      expect(step.id).toMatch(KEBAB);
      for (const word of step.title.match(/[A-Za-z][\w'-]*/g) ?? []) {
        const name = word.replace(/'s$/, "");
        expect(CAPITALISED.has(name.toLowerCase()), `${step.id}: "${word}"`).toBe(
          name !== name.toLowerCase(),
        );
        if (name !== name.toLowerCase()) expect(CAPITALISED.get(name.toLowerCase())).toBe(name);
      }
      expect(step.title.length).toBeGreaterThan(0);
      expect(step.title.length).toBeLessThanOrEqual(60);
    }
  });

  test("every step has a story, a hint and a why", () => {
    for (const step of lesson.steps) {
      expect(step.story.trim().length, `${step.id}: story`).toBeGreaterThan(20);
      expect(step.hint.trim().length, `${step.id}: hint`).toBeGreaterThan(10);
      expect(step.explain.why.trim().length, `${step.id}: why`).toBeGreaterThan(20);
      if (step.explain.clientShould !== undefined)
        expect(step.explain.clientShould.trim()).not.toBe("");
    }
  });

  test("placeholders and bearer name only built-ins or variables made by an earlier step", () => {
    const known = new Set(BUILT_INS);
    for (const step of lesson.steps) {
      // A power's `into` exists before the request is sent; captures only after the answer.
      for (const name of minted(step)) known.add(name);
      for (const name of reads(step)) {
        expect(known.has(name), `${lesson.id}/${step.id} reads {{${name}}}`).toBe(true);
      }
      if (step.request.bearer) expect(BUILT_INS.has(step.request.bearer)).toBe(false);
      for (const name of captured(step)) known.add(name);
    }
  });

  test("expectations are literal: no placeholders in what is checked", () => {
    for (const step of lesson.steps) expect(placeholders(step.expect), step.id).toEqual([]);
  });

  test("captures are JSON Pointers or header:<lower-case name>, and no variable is made twice", () => {
    const made = new Set<string>();
    for (const step of lesson.steps) {
      for (const [name, source] of Object.entries(step.capture ?? {})) {
        expect(source).toMatch(/^(\/.*|header:[a-z0-9-]+)$/);
        expect(BUILT_INS.has(name)).toBe(false);
        expect(made.has(name), `${step.id} remakes ${name}`).toBe(false);
        made.add(name);
      }
      for (const name of minted(step)) {
        expect(made.has(name)).toBe(false);
        made.add(name);
      }
    }
  });

  test("is self-contained: every account it logs in to, it signed up itself", () => {
    const registered = new Set<string>();
    for (const step of lesson.steps) {
      const json = step.request.json as { email?: string } | undefined;
      if (isSignUp(step) && step.expect.status === 201 && json?.email) {
        registered.add(json.email.toLowerCase());
      }
      const username = step.request.form?.username;
      if (isLogin(step) && step.expect.status === 200 && username !== undefined) {
        const own = registered.has(username.toLowerCase()) || username === "{{adminEmail}}";
        expect(own, `${step.id} logs in as ${username}`).toBe(true);
      }
    }
  });

  test("admin steps are marked, and so is everything that depends on them", () => {
    const adminOnly = new Set<string>();
    for (const step of lesson.steps) {
      const usesAdmin = reads(step).some(
        (name) => ADMIN_BUILT_INS.has(name) || adminOnly.has(name),
      );
      if (usesAdmin) expect(step.needsAdmin, `${step.id} needs the admin`).toBe(true);
      if (step.needsAdmin) for (const name of captured(step)) adminOnly.add(name);
    }
  });

  test("admin steps come last, so a run without an admin skips only the lesson's tail", () => {
    // A step after an admin step may depend on what the admin did (a promotion) without
    // reading any of the admin's variables; keeping admin steps at the end rules that out.
    const first = lesson.steps.findIndex((step) => step.needsAdmin);
    if (first === -1) return;
    for (const step of lesson.steps.slice(first)) expect(step.needsAdmin, step.id).toBe(true);
  });

  test("nothing required depends on an optional step", () => {
    const optionalOnly = new Set<string>();
    for (const step of lesson.steps) {
      if (!step.optional)
        for (const name of reads(step)) expect(optionalOnly.has(name), step.id).toBe(false);
      if (step.optional)
        for (const name of [...captured(step), ...minted(step)]) optionalOnly.add(name);
    }
  });

  test("a wait for Retry-After follows an answer that carries one", () => {
    lesson.steps.forEach((step, index) => {
      if (!step.waitForRetryAfter) return;
      const previous = lesson.steps[index - 1];
      expect(previous?.expect.headers?.["retry-after"], step.id).toBeDefined();
    });
  });

  test("requests are well-formed: one body kind at most, paths from the root, sane repeats", () => {
    for (const step of lesson.steps) {
      expect(bodyKinds(step).length, step.id).toBeLessThanOrEqual(1);
      expect(step.request.path.startsWith("/") || step.request.path.startsWith("{{")).toBe(true);
      if (step.repeat !== undefined) {
        expect(Number.isInteger(step.repeat) && step.repeat >= 1).toBe(true);
      }
      for (const name of Object.keys(step.request.headers ?? {})) {
        expect(name).toBe(name.toLowerCase());
      }
    }
  });

  // The runner prints this prose as it is and the docs render it as Markdown: only backticks
  // read right in both, and a runner flag means nothing to a learner in the interactive runner.
  test("prose reads right in a terminal and in the docs: no emphasis, no runner flags", () => {
    const prose = [lesson.intro, lesson.takeaway].concat(
      ...lesson.steps.map((step) => [
        step.title,
        step.story,
        step.hint,
        step.explain.why,
        step.explain.clientShould ?? "",
      ]),
    );
    for (const text of prose) {
      expect(text).not.toMatch(/\*\*|__|(^|\s)[*_]\w/);
      expect(text).not.toMatch(/`--[a-z]/);
    }
  });

  test("a locked database is always unlocked by the same step", () => {
    for (const step of lesson.steps) {
      const locks = (step.before ?? []).some((power) => power.power === "lock-database");
      const unlocks = (step.after ?? []).some((power) => power.power === "unlock-database");
      expect(locks, step.id).toBe(unlocks);
      expect((step.after ?? []).some((power) => power.power === "lock-database")).toBe(false);
    }
  });
});

describe("before the learner predicts", () => {
  // The runner shows a teaching step's title and story, and its hint on `h`, before the learner
  // types the status they expect: none of them may name it.
  const setup = setupSteps(lessons);
  const teaching = allSteps.filter(({ step }) => !setup.has(step));

  test.each(teaching.map(({ lesson, step }) => [`${lesson.id}/${step.id}`, step] as const))(
    "%s: title, story and hint do not name the status",
    (_, step) => {
      const { status } = step.expect;
      const phrase = statusCodes.find((doc) => doc.code === status)?.phrase ?? String(status);
      // The phrase as a status line writes it: "had created Leo" names nothing.
      const names = new RegExp(`\\b(${status}|${phrase})\\b`);
      for (const text of [step.title, step.story, step.hint]) expect(text).not.toMatch(names);
    },
  );

  test("every setup: false is needed: without it the step would be setup", () => {
    lessons.forEach((lesson, i) => {
      lesson.steps.forEach((step, j) => {
        if (step.setup !== false) return;
        const { setup: _, ...bare } = step;
        const steps = lesson.steps.map((s, k) => (k === j ? bare : s));
        const without = lessons.map((l, k) => (k === i ? { ...l, steps } : l));
        expect(setupSteps(without).has(bare), `${lesson.id}/${step.id}`).toBe(true);
      });
    });
  });

  test("a step whose story asks the learner a question is not setup (setup asks no prediction)", () => {
    for (const { lesson, step } of allSteps) {
      if (step.story.includes("?")) expect(setup.has(step), `${lesson.id}/${step.id}`).toBe(false);
    }
  });
});

describe("expectations", () => {
  test("header names are lower case", () => {
    for (const { step } of allSteps) {
      for (const name of Object.keys(step.expect.headers ?? {}))
        expect(name).toBe(name.toLowerCase());
    }
  });

  test("body expectations are JSON Pointers", () => {
    for (const { step } of allSteps) {
      for (const pointer of Object.keys(step.expect.body ?? {})) expect(pointer).toMatch(/^\//);
    }
  });

  test("every error is problem+json with its status in the body", () => {
    for (const { lesson, step } of allSteps) {
      if (step.expect.status < 400) continue;
      const where = `${lesson.id}/${step.id}`;
      expect(step.expect.headers?.["content-type"], where).toBe(PROBLEM_JSON);
      expect(step.expect.body?.["/status"], where).toBe(step.expect.status);
      expect(typeof step.expect.body?.["/detail"], where).toBe("string");
      expect(step.expect.schema, where).toBeDefined();
    }
  });

  test("the headers that make a code useful are checked where they belong", () => {
    for (const { lesson, step } of allSteps) {
      const where = `${lesson.id}/${step.id}`;
      const headers = step.expect.headers ?? {};
      const { status } = step.expect;
      if (status === 401) expect(headers["www-authenticate"], where).toBeDefined();
      if (status === 429 || status === 503) expect(headers["retry-after"], where).toBeDefined();
      if (status === 405) expect(headers.allow, where).toBeDefined();
      if (status === 415) expect(headers["accept-post"], where).toBeDefined();
      if (status === 201 && isSignUp(step)) expect(headers.location, where).toBeDefined();
      if (status === 200 && isTokenEndpoint(step))
        expect(headers["cache-control"], where).toBe("no-store");
      if (status === 204) expect(step.expect.emptyBody, where).toBe(true);
      // A success has a schema, unless it has no body at all (a 200 from /token/revoke).
      if ((status === 200 || status === 201) && !step.expect.emptyBody)
        expect(step.expect.schema, where).toBeDefined();
      if (step.expect.emptyBody) {
        expect(step.expect.schema, where).toBeUndefined();
        expect(step.expect.body, where).toBeUndefined();
      }
    }
  });

  test("sign-ups use unique emails per run, and no two lessons share an account", () => {
    const owner = new Map<string, string>();
    for (const { lesson, step } of allSteps) {
      const email = (step.request.json as { email?: string } | undefined)?.email;
      if (!isSignUp(step) || step.expect.status !== 201 || !email) continue;
      expect(email, `${lesson.id}/${step.id}`).toContain("{{run}}");
      const key = email.toLowerCase();
      const other = owner.get(key);
      expect(
        other === undefined || other === lesson.id,
        `${email} in ${other} and ${lesson.id}`,
      ).toBe(true);
      owner.set(key, lesson.id);
    }
  });

  test("rate-limit client ids are unique per run", () => {
    for (const { step } of allSteps) {
      if (!step.request.path.startsWith("/users/limited")) continue;
      expect(step.request.path).toMatch(/client_id=[^&]*\{\{run\}\}/);
    }
  });
});

describe("the login lockout", () => {
  test("sends, and says it sends, exactly as many failures as one account may have from one address", () => {
    const throttle = readFileSync(
      join(import.meta.dir, "../../../api/src/modules/auth/throttle.ts"),
      "utf8",
    );
    const limit = Number(/pair: \{[^}]*limit: (\d+)/.exec(throttle)?.[1]);
    const rate = lessons.find((l) => l.id === "rate-limiting");
    const steps = rate?.steps ?? [];
    const at = steps.findIndex((s) => s.id === "ten-wrong-passwords");
    const failures = steps[at];
    const locked = steps[at + 1];
    expect(limit).toBeGreaterThan(0);
    expect(failures?.repeat).toBe(limit);
    expect(locked?.expect.status).toBe(429);
    // The words count the same failures the requests send.
    expect(failures?.title).toContain(String(limit));
    expect(failures?.story).toContain(`${limit} guesses`);
    expect(locked?.explain.why).toContain(`${limit} failures`);
  });
});

describe("status codes", () => {
  const documented = new Map(statusCodes.map((doc) => [doc.code, doc]));
  const expected = new Set(allSteps.map(({ step }) => step.expect.status));

  test("one page per code, in order", () => {
    const codes = statusCodes.map((doc) => doc.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual([...codes].sort((a, b) => a - b));
    expect(codes).toEqual([
      200, 201, 204, 400, 401, 403, 404, 405, 408, 409, 413, 415, 422, 429, 500, 503,
    ]);
  });

  test("every page is filled in and links to its RFC section and to MDN", () => {
    for (const doc of statusCodes) {
      for (const field of [doc.phrase, doc.meaning, doc.inThisApi, doc.clientShould]) {
        expect(field.trim(), String(doc.code)).not.toBe("");
      }
      expect(doc.rfc.name).toMatch(/^RFC \d+$/);
      const number = doc.rfc.name.slice("RFC ".length);
      expect(doc.rfc.url).toBe(
        `https://www.rfc-editor.org/rfc/rfc${number}#section-${doc.rfc.section}`,
      );
      expect(doc.mdn).toBe(
        `https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Status/${doc.code}`,
      );
    }
  });

  test("every status a step expects has a page", () => {
    for (const status of expected) expect(documented.has(status), String(status)).toBe(true);
  });

  test("every code the API sends is taught by some step, except those coverage.ts excuses", () => {
    for (const code of REPLAYED_STATUS_CODES)
      expect(expected.has(code), `no step expects ${code}`).toBe(true);
    // 408 needs a client that stalls mid-body: its page says where it is shown instead.
    for (const code of NOT_REPLAYED) expect(documented.get(code)?.inThisApi).toContain(".test.ts");
  });

  test("no step expects a 500, and its page says a 500 here is a bug", () => {
    expect(expected.has(500)).toBe(false);
    expect(documented.get(500)?.inThisApi).toContain("bug");
  });
});
