/**
 * One attempt at a challenge, the same for the learner and for `--auto`: a fresh `{{mark}}`,
 * the log position it counts from, and the database lock an outage challenge holds until the
 * log shows the 503 it is there to cause.
 */
import type { Target } from "../target.ts";
import type { Vars } from "../template.ts";
import { attemptVars } from "./all.ts";
import { check } from "./check.ts";
import type { RequestLog } from "./log.ts";
import type { Challenge, Verdict } from "./model.ts";

export class Attempt {
  readonly vars: Vars;
  readonly start: number;
  private locked = false;

  private constructor(
    readonly challenge: Challenge,
    private readonly target: Target,
    readonly log: RequestLog,
    /** Told when the runner takes or lets go of the lock. */
    private readonly onLock: (held: boolean) => void,
  ) {
    this.vars = attemptVars(target);
    this.start = log.mark();
  }

  /** A fresh attempt; `prepare` then takes the lock, if the challenge needs it. */
  static create(
    challenge: Challenge,
    target: Target,
    onLock: (held: boolean) => void = () => {},
  ): Attempt {
    if (!target.log) throw new Error("a challenge is checked against the in-process API's log");
    return new Attempt(challenge, target, target.log, onLock);
  }

  async prepare(): Promise<void> {
    if (!this.challenge.lockDatabase || this.locked) return;
    await this.target.use({ power: "lock-database" }, this.vars);
    this.locked = true;
    this.onLock(true);
  }

  /** The verdict on the log so far; lets go of the lock once the goal's outage part is met. */
  async verdict(): Promise<Verdict> {
    const verdict = check(this.challenge.goal, this.log.since(this.start), this.vars);
    const releaseAfter = this.challenge.lockDatabase?.releaseAfter ?? 0;
    if (this.locked && (verdict.solved || verdict.met >= releaseAfter)) await this.end();
    return verdict;
  }

  /** Idempotent: whatever happened, the database is not left locked. */
  async end(): Promise<void> {
    if (!this.locked) return;
    this.locked = false;
    await this.target.use({ power: "unlock-database" }, this.vars);
    this.onLock(false);
  }
}
