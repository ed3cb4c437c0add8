/**
 * The challenges, as the runner's menu and transcript use them: the ids of a lesson's challenges
 * (for progress) and the interactive loop (`runChallenges`). `--auto` plays the reference
 * solutions through `solve.ts`; the docs take their section from `docs.ts`.
 */
export { challengeIdsOf } from "./all.ts";
export type { ChallengeContext, ChallengesOutcome } from "./interactive.ts";
export { runChallenges } from "./interactive.ts";
