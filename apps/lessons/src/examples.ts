/**
 * Example values for placeholders in the generated docs, which must come out the same on
 * every run (the sync test compares them byte for byte): no random ids, no real tokens.
 * A lesson's own `examples` win over these guesses.
 */
import { withSubject } from "./forge-token.ts";
import type { Lesson } from "./model.ts";
import type { Vars } from "./template.ts";

/** What a reader pastes into their own setup: see `.env.example` and `bun run start`. */
export const DOCS_BASE_URL = "http://localhost:8000";
export const EXAMPLE_BUILT_INS = {
  run: "demo",
  adminEmail: "admin@example.com",
  adminPassword: "change-me-please",
};

/** JWT-shaped, obviously fake: shortened on screen to `eyJhbGciOi…xample`. */
export const EXAMPLE_TOKEN =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIyIiwidHlwZSI6ImFjY2VzcyJ9.an-example";

/** The example variables of a whole lesson, as if each step had run and captured. */
export function exampleVars(lesson: Lesson): Vars {
  const vars: Vars = { ...EXAMPLE_BUILT_INS };
  // The admin made at start is user 1; each sign-up in the lesson gets the next id.
  let nextId = 2;
  const guess = (name: string, from: string): unknown => {
    const given = lesson.examples?.[name];
    if (given !== undefined) return given;
    if (/^header:location$/i.test(from)) return `/users/${nextId - 1}`;
    if (/token$/i.test(from) || /token$/i.test(name)) return EXAMPLE_TOKEN;
    if (/\/id$/.test(from)) return nextId++;
    return `<${name}>`;
  };
  for (const step of lesson.steps) {
    for (const power of step.before ?? []) {
      if (power.power === "mint-expired-token") {
        vars[power.into] = lesson.examples?.[power.into] ?? EXAMPLE_TOKEN;
      }
      if (power.power === "forge-token") {
        const token = vars[power.token];
        vars[power.into] =
          lesson.examples?.[power.into] ??
          (typeof token === "string" ? withSubject(token, String(vars[power.userId])) : token);
      }
    }
    // Ids first so a Location captured alongside names the same user.
    const captures = Object.entries(step.capture ?? {}).sort(
      ([, a], [, b]) => Number(b.endsWith("/id")) - Number(a.endsWith("/id")),
    );
    for (const [name, from] of captures) {
      if (vars[name] === undefined) vars[name] = guess(name, from);
    }
  }
  return vars;
}
