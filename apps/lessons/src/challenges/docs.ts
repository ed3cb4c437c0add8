/** A lesson page's challenge section: the task, what is checked, hints, and a folded solution. */
import { curlCommand, shellVar } from "../curl.ts";
import { DOCS_BASE_URL } from "../examples.ts";
import { prepareRequest } from "../http.ts";
import { fill, placeholdersIn, type Vars } from "../template.ts";
import { challengesOf } from "./all.ts";
import { describeWant } from "./check.ts";
import type { Challenge } from "./model.ts";

/** `{{mark}}` as the docs show it: fixed, so the generated pages never change by themselves. */
const EXAMPLE_MARK = "demo";

function solution(challenge: Challenge, vars: Vars): string {
  const commands: string[] = [];
  for (const step of challenge.solution) {
    // A value an earlier answer gave: shown as the shell variable a reader would set.
    for (const name of placeholdersIn(step.request)) {
      if (vars[name] === undefined) vars[name] = `$${shellVar(name)}`;
    }
    const request = prepareRequest(step.request, vars, DOCS_BASE_URL);
    const kept = Object.entries(step.capture ?? {}).map(
      ([name, from]) =>
        `# keep ${from.startsWith("header:") ? `the ${from.slice(7)} header` : `${from} of the answer`} as ${shellVar(name)}`,
    );
    const times = step.repeat && step.repeat > 1 ? [`# ${step.repeat} times:`] : [];
    commands.push(
      [...times, curlCommand(request, { tokenComment: "kept above" }), ...kept].join("\n"),
    );
    for (const name of Object.keys(step.capture ?? {})) vars[name] = `$${shellVar(name)}`;
  }
  return commands.join("\n\n");
}

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
      `Solve it from another terminal (curl, [the .http file](http/${lessonSlug}.http), or Swagger UI at \`/docs\`) while \`bun run lessons --lesson ${lessonId}\` waits at the challenge: it prints its API's URL and watches that API's own request log. Only requests made after the challenge starts count, and \`{{mark}}\` (here \`${EXAMPLE_MARK}\`) is fresh for each attempt. Solved when the log shows, in this order:`,
      goal,
      hints,
      `<details><summary>A solution</summary>\n\n\`\`\`sh\n${solution(challenge, vars)}\n\`\`\`\n\nWhat to notice: ${challenge.lesson}\n\n</details>`,
    ].join("\n\n");
  });
}
