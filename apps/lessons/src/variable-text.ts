/**
 * A variable as a learner reads it. `{{finnId}}` is how a lesson writes what Finn's sign-up
 * answered; the runner's own sentences say "Finn's id" instead.
 */
import type { Step } from "./model.ts";
import { canonicalHeader } from "./render.ts";

/** Words of a variable name written as elsewhere, by their lower case. */
const WRITTEN: Record<string, string> = { jwt: "JWT", swagger: "Swagger UI" };

/** Whose account a step uses: the `<who>-{{run}}@…` it signs up or logs in with. */
function ownerOf(step: Step | undefined): { who: string; shown: string } | undefined {
  const json = step?.request.json as { email?: unknown } | undefined;
  const address = json?.email ?? step?.request.form?.username;
  if (typeof address !== "string") return undefined;
  if (/^\{\{\s*adminEmail\s*\}\}$/.test(address)) return { who: "admin", shown: "the admin's" };
  const who = address.match(/^([a-z]+)-\{\{\s*run\s*\}\}@/)?.[1];
  return who ? { who, shown: `${who.charAt(0).toUpperCase()}${who.slice(1)}'s` } : undefined;
}

/**
 * `finnId` → `Finn's id`, `token` (from Emil's sign-up) → `Emil's token`, `location` →
 * `` the `Location` header ``, `newAccessToken` (from a refresh) → `the new access token`.
 * `setter` is the step that captures or makes the variable, when there is one.
 */
export function variableText(setter: Step | undefined, name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .split(" ");
  const owner = ownerOf(setter);
  const named = owner && words[0] === owner.who && words.length > 1;
  const from = setter?.capture?.[name];
  const what = from?.startsWith("header:")
    ? `\`${canonicalHeader(from.slice("header:".length))}\` header`
    : (named ? words.slice(1) : words).map((w) => WRITTEN[w] ?? w).join(" ");
  return owner && !from?.startsWith("header:") ? `${owner.shown} ${what}` : `the ${what}`;
}
