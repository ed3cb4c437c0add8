/** `GET /users/limited` with a new client id on every request, on an API process of its own. */
import type { BenchContext } from "../lib/context.ts";
import { countLogLines } from "../lib/proc.ts";
import { interleaved, type Scenario, scenario } from "../lib/rounds.ts";

const LIMITED_LUA = `
local counter = 0
local prefix = "c"
function init(args) prefix = args[1] or prefix end
function request()
  counter = counter + 1
  return wrk.format("GET", "/users/limited?client_id=" .. prefix .. "-" .. counter)
end`;

export interface RateLimitedResult {
  scenario: Scenario;
  /** Lines the API wrote to its access log. */
  accessLogLines: number;
}

/** Its own API process, as up to a million keys pile up; interleaved with `bare`. */
export async function runRateLimited(
  bench: BenchContext,
  bare: Scenario,
): Promise<RateLimitedResult> {
  const api = await bench.fleet.startApi("api-limited");
  const limited = scenario({
    id: "limited",
    label: "GET /users/limited, a new client id each time",
    server: () => api,
    options: { requestLua: LIMITED_LUA, args: [`r{round}-${process.pid}`] },
    expect: "2xx",
  });
  await interleaved(bench, [bare, limited]);
  const accessLogLines = countLogLines(api.logFile).lines;
  await bench.fleet.stop(api);
  return { scenario: limited, accessLogLines };
}
