/** Every challenge, in lesson order, and a lesson's share of them. */
import type { Target } from "../target.ts";
import { newRunId, type Vars } from "../template.ts";
import { accountChallenges } from "./accounts.ts";
import type { Challenge } from "./model.ts";
import { routeChallenges } from "./routes.ts";
import { sessionChallenges } from "./sessions.ts";

export const challenges: Challenge[] = [
  ...accountChallenges,
  ...sessionChallenges,
  ...routeChallenges,
];

export function challengesOf(lessonId: string): Challenge[] {
  return challenges.filter((c) => c.lessonId === lessonId);
}

/** The ids of a lesson's challenges, in order: a lesson is done when all are solved. */
export function challengeIdsOf(lessonId: string): string[] {
  return challengesOf(lessonId).map((c) => c.id);
}

/** The variables of one attempt: a fresh `{{mark}}`, the API's URL. */
export function attemptVars(target: Target): Vars {
  return { mark: newRunId(), url: target.baseUrl };
}
