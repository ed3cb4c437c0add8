/** A lesson page's challenge section: the task, what is checked, hints, and a folded solution. */
import { curlCommand, shellVar } from "../curl.ts";
import { powerNote } from "../docs-common.ts";
import { DOCS_BASE_URL } from "../examples.ts";
import { prepareRequest } from "../http.ts";
import type { Power } from "../model.ts";
import { madeBefore } from "../powers.ts";
import { fill, type Vars } from "../template.ts";
import { challengesOf } from "./all.ts";
import { describeWant } from "./check.ts";
import type { Challenge } from "./model.ts";

/** `{{mark}}` as the docs show it: fixed, so the generated pages never change by themselves. */
const EXAMPLE_MARK = "demo";

/** A power of the runner as a comment: what the reader does by hand before the command. */
function byHand(power: Power, vars: Vars): string {
  if (power.power !== "forge-token") return `# ${fill(powerNote(power, "before"), vars)}`;
  const [into, token] = [shellVar(power.into), shellVar(power.token)];
  return `# ${into}: $${token} with the sub in its payload set to ${vars[power.userId]}, header and signature kept (see the hints)`;
}

function solution(challenge: Challenge, vars: Vars): string {
  const commands: string[] = [];
  for (const step of challenge.solution) {
    for (const made of madeBefore(step)) vars[made] = `<${shellVar(made)}>`;
    const prepared = prepareRequest(step.request, vars, DOCS_BASE_URL);
    // A placeholder in the path came out percent-encoded (`/users/%3CB_ID%3E`); the reader
    // is to type the id there, so show `<B_ID>` (the URL is then quoted for the shell).
    const url = prepared.url.replace(/%3C([A-Z0-9_]+)%3E/g, "<$1>");
    const request = { ...prepared, url };
    const kept = Object.entries(step.capture ?? {}).map(([name, from]) =>
      from === "header:location"
        ? "# its Location header names the new user, e.g. /users/2"
        : `# keep ${from} of the answer as ${shellVar(name)}`,
    );
    const times = step.repeat && step.repeat > 1 ? [`# ${step.repeat} times:`] : [];
    commands.push(
      [
        ...(step.before ?? []).map((p) => byHand(p, vars)),
        ...times,
        curlCommand(request),
        ...kept,
      ].join("\n"),
    );
    // What a reader pastes in later: a bearer token goes in as $NAME, anything else as <NAME>.
    for (const [name, from] of Object.entries(step.capture ?? {})) {
      vars[name] = from === "header:location" ? "/users/2" : `<${shellVar(name)}>`;
    }
  }
  return commands.join("\n\n");
}

/** Whether the reference solution signs up (the docs' addresses work once per API). */
const signsUp = (challenge: Challenge) =>
  challenge.solution.some(
    ({ request }) => request.method === "POST" && request.path === "/users/" && request.json,
  );

export function challengeSections(lessonId: string, lessonSlug: string): string[] {
  return challengesOf(lessonId).map((challenge) => {
    const vars: Vars = { mark: EXAMPLE_MARK, url: DOCS_BASE_URL };
    const goal = challenge.goal.map((want) => `- \`${describeWant(want, vars)}\``).join("\n");
    const hints = challenge.hints
      .map(
        (hint, i) =>
          `<details><summary>Hint ${i + 1}</summary>\n\n${fill(hint, vars)}\n\n</details>`,
      )
      .join("\n\n");
    return [
      `<a id="challenge-${challenge.id}"></a>\n\n## Challenge: ${challenge.title}`,
      fill(challenge.task, vars),
      `Solve it from another terminal (curl, [the .http file](http/${lessonSlug}.http), or Swagger UI at \`/docs\`) while \`bun run lessons --lesson ${lessonId}\` waits at the challenge: it prints its API's URL and watches that API's own request log. Only requests made after the challenge starts count${challenge.task.includes("{{mark}}") ? ` (and the runner prints a fresh id in place of \`${EXAMPLE_MARK}\` for each attempt)` : ""}.${signsUp(challenge) ? " The addresses below are examples: one already signed up answers 409, so sign up your own." : ""} Solved when the log shows${challenge.goal.length > 1 ? ", in this order" : ""}:`,
      goal,
      ...(challenge.question ? [`Then the runner asks: _${challenge.question.ask}_`] : []),
      hints,
      `<details><summary>A solution</summary>\n\n\`\`\`sh\n${solution(challenge, vars)}\n\`\`\`\n\nWhat to notice: ${challenge.lesson}\n\n</details>`,
    ].join("\n\n");
  });
}
