/** What every scenario of `bun run bench` is given: the settings, the servers, the log. */
import type { Fleet } from "./fleet.ts";
import type { Settings } from "./settings.ts";

export interface BenchContext {
  settings: Settings;
  /** The run's temporary directory (wrk's scripts, logs, databases). */
  work: string;
  /** The API's JWT_SECRET, the same for every API the run starts. */
  jwtSecret: string;
  fleet: Fleet;
  /** One line on the console, as the run goes. */
  log(line: string): void;
}
