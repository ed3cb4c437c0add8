import { DatabaseOpenError, DatabaseUnavailableError, maskDatabaseUrl } from "@statuslab/db";
import { createApp } from "./app.ts";
import { type Config, SECRET_FILE } from "./config.ts";
import { describeTrustProxy } from "./http/client-address.ts";

/** A start that cannot go on ends with one line naming the cause, never a stack trace. */
export function stop(line: string): never {
  console.error(line);
  process.exit(1);
}

/** Marker a supervised worker prints once it listens; the supervisor waits for it. */
export const READY_MARKER = "worker ready";

async function appOrExit(config: Config) {
  try {
    return await createApp({ config });
  } catch (error) {
    const url = JSON.stringify(maskDatabaseUrl(config.databaseUrl));
    if (error instanceof DatabaseOpenError) {
      stop(`Database error: DATABASE_URL ${url} cannot be used: ${error.message}`);
    }
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    stop(`Database error: DATABASE_URL ${url} cannot be used: ${error.message} (${error.reason})`);
  }
}

export function printBanner(config: Config, url: string, workers = 1) {
  console.log(
    `Status Code Lab API listening on ${url}${workers > 1 ? ` (${workers} workers)` : ""}`,
  );
  console.log(`Swagger UI: ${url}/docs   OpenAPI: ${url}/openapi.json`);
  const engine = config.database.engine === "postgres" ? "PostgreSQL" : "SQLite";
  console.log(`Database: ${engine} ${maskDatabaseUrl(config.databaseUrl)}`);
  if (config.redisUrl) console.log("Rate limits: shared in Redis");
  if (config.trustProxy) console.log(`Client address: ${describeTrustProxy(config.trustProxy)}`);
  if (config.corsOrigins) {
    const origins = config.corsOrigins === "*" ? "any origin" : config.corsOrigins.join(", ");
    console.log(`CORS: pages from ${origins} may call the API`);
  }
  if (config.jwtSecretSource === "generated") {
    console.log(`Development: generated a JWT secret and kept it in ${SECRET_FILE}`);
  } else if (config.jwtSecretSource === "file") {
    console.log(`Development: using the JWT secret kept in ${SECRET_FILE}`);
  }
}

/** What `app.listen` is given (tests listen with the same). */
export function listenOptions(config: Config, supervised: boolean) {
  return {
    port: config.port,
    reusePort: supervised,
    // Bun streams request bodies, and our parsers stop at BODY_LIMIT_BYTES (refusing at once
    // when Content-Length says more) with a problem+json 413. Bun's own limit would answer a
    // bare 413 with no request id before the app sees the request, so it is set out of reach.
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
    // Bun closes a connection, without an answer, when a request has had none for this many
    // seconds, however many body bytes keep arriving (checked every few seconds). It must
    // leave BODY_TIMEOUT the time to answer its 408 first. 30 s is Elysia's default.
    idleTimeout: Math.max(30, Math.ceil(config.bodyTimeoutMs / 1000) + 10),
  };
}

/**
 * One API process. Under a supervisor (`supervised`), it shares the port with its siblings
 * (`reusePort`: the kernel spreads connections) and announces itself instead of the banner.
 */
export async function runWorker(config: Config, supervised: boolean) {
  const { app, close, deps } = await appOrExit(config);
  try {
    app.listen(listenOptions(config, supervised));
  } catch (error) {
    await close();
    stop(
      `Configuration error: PORT ${config.port} cannot be listened on: ${error instanceof Error ? error.message.split("\n")[0] : "unknown error"}`,
    );
  }
  if (!app.server) stop("The server did not start");
  const server = app.server;
  const url = `http://${server.hostname === "0.0.0.0" ? "localhost" : server.hostname}:${server.port}`;
  if (supervised) console.log(`${READY_MARKER} pid=${process.pid} ${url}`);
  else printBanner(config, url);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info("shutting down", { signal });
    // Stop accepting connections and wait for requests already in flight to finish.
    await server.stop(false);
    await close();
    deps.log.info("stopped", { signal });
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}
