import { ConfigError, loadConfig } from "./config.ts";
import { runSupervisor, WORKER_ENV } from "./supervisor.ts";
import { runWorker, stop } from "./worker.ts";

/** `--workers N` on the command line stands for `WORKERS=N`. */
function applyFlags(argv: string[]) {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--workers") process.env.WORKERS = argv[++i] ?? "";
    else if (arg.startsWith("--workers=")) process.env.WORKERS = arg.slice("--workers=".length);
    else
      stop(
        `Unknown option ${JSON.stringify(arg)} (the API takes --workers N; the rest is configured by environment variables)`,
      );
  }
}

applyFlags(process.argv.slice(2));
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  stop(`Configuration error: ${error.message}`);
}

const supervised = process.env[WORKER_ENV] !== undefined;
if (config.workers > 1 && !supervised) await runSupervisor(config, import.meta.path);
else await runWorker(config, supervised);
