/** The servers one run of `bun run bench` starts, so that however it ends they all stop. */
import { join } from "node:path";
import { apiEnv } from "./api.ts";
import type { BenchPostgres } from "./postgres.ts";
import { type Server, startServer } from "./proc.ts";
import { BENCH_DIR, ROOT } from "./settings.ts";

export interface Fleet {
  /** One of `bench/servers/<name>.ts`, on the server's core. */
  startReference(name: string): Promise<Server>;
  /** The API exactly as users start it, on a SQLite file of its own unless `extraEnv` says. */
  startApi(name: string, extraEnv?: Record<string, string>): Promise<Server>;
  /** The same API on the run's PostgreSQL database, with the pool size spelled out. */
  startApiOnPostgres(name: string, database: BenchPostgres): Promise<Server>;
  /** The SQLite file of the API started as `name`. */
  sqliteFile(name: string): string;
  stop(server: Server): Promise<void>;
  /** Stops every server still running, never throwing. */
  stopAll(): Promise<void>;
}

export function createFleet(options: {
  /** The run's temporary directory: logs and databases. */
  work: string;
  cpu: number;
  jwtSecret: string;
  poolMax: number;
}): Fleet {
  const running: Server[] = [];
  const started = (server: Server) => {
    running.push(server);
    return server;
  };
  const sqliteFile = (name: string) => join(options.work, `${name}.db`);
  const startApi = async (name: string, extraEnv: Record<string, string> = {}) =>
    started(
      await startServer({
        name,
        command: ["bun", "apps/api/src/index.ts"],
        cwd: ROOT,
        cpu: options.cpu,
        logFile: join(options.work, `${name}.log`),
        env: { ...apiEnv(options.jwtSecret, sqliteFile(name)), ...extraEnv },
      }),
    );
  return {
    startReference: async (name) =>
      started(
        await startServer({
          name,
          command: ["bun", join(BENCH_DIR, "servers", `${name}.ts`)],
          cpu: options.cpu,
          logFile: join(options.work, `${name}.log`),
        }),
      ),
    startApi,
    startApiOnPostgres: (name, database) =>
      startApi(name, { DATABASE_URL: database.url, DATABASE_POOL_MAX: String(options.poolMax) }),
    sqliteFile,
    async stop(server) {
      await server.stop();
      running.splice(running.indexOf(server), 1);
    },
    async stopAll() {
      for (const server of running.splice(0)) await server.stop().catch(() => {});
    },
  };
}
