/**
 * The challenges, as the runner's menu and transcript use them: a lesson's challenges (their ids
 * for progress, their titles for the menu) and the interactive loop (`runChallenges`). `--auto` plays the reference
 * solutions through `solve.ts`; the docs take their section from `docs.ts`.
 */
export { challengeIdsOf, challengesOf } from "./all.ts";
export type { ChallengeContext, ChallengesOutcome } from "./interactive.ts";
export { runChallenges } from "./interactive.ts";
