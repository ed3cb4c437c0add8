/**
 * The challenges, as the runner uses them: the ids of a lesson's challenges (for progress),
 * the interactive loop (`runChallenges`), and reference solutions for `--auto`.
 */
export { attemptVars, challengeIdsOf, challenges, challengesOf } from "./all.ts";
export { Attempt } from "./attempt.ts";
export { check, describeEntry, describeWant } from "./check.ts";
export type { ChallengeContext, ChallengesOutcome } from "./interactive.ts";
export { runChallenges } from "./interactive.ts";
export type { Challenge, LogEntry, Verdict, Want } from "./model.ts";
export { playStep, verifySolution } from "./solve.ts";
