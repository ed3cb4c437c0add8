import { createApp } from "./app.ts";
import { ConfigError, loadConfig, SECRET_FILE } from "./config.ts";
import { BODY_LIMIT_BYTES } from "./http/body.ts";

function configOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    process.exit(1);
  }
}

const config = configOrExit();
const { app, close, deps } = await createApp({ config });

app.listen({
  port: config.port,
  // A backstop only: the JSON and form parsers already stop at BODY_LIMIT_BYTES with a
  // problem+json 413; this keeps Bun from buffering anything far larger.
  maxRequestBodySize: BODY_LIMIT_BYTES * 16,
});
if (!app.server) throw new Error("the server did not start");
const server = app.server;

const url = `http://${server.hostname === "0.0.0.0" ? "localhost" : server.hostname}:${server.port}`;
console.log(`Status Code Lab API listening on ${url}`);
console.log(`Swagger UI: ${url}/docs   OpenAPI: ${url}/openapi.json`);
console.log(`Database: ${config.databaseUrl}`);
if (config.jwtSecretSource === "generated") {
  console.log(`Development: generated a JWT secret and kept it in ${SECRET_FILE}`);
} else if (config.jwtSecretSource === "file") {
  console.log(`Development: using the JWT secret kept in ${SECRET_FILE}`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  deps.log.info("shutting down", { signal });
  // Stop accepting connections and wait for requests already in flight to finish.
  await server.stop(false);
  await close();
  deps.log.info("stopped", { signal });
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
