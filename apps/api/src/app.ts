import { createJwtService, createPasswordHasher } from "@statuslab/auth";
import { type Database, openDatabase } from "@statuslab/db";
import {
  createRateLimiter,
  guardRateLimiter,
  MemoryStore,
  type RateLimitStore,
  RedisStore,
} from "@statuslab/rate-limiter";
import { type AnyElysia, Elysia, StatusMap } from "elysia";
import type { Config } from "./config.ts";
import type { Deps } from "./deps.ts";
import { createAllowedMethods } from "./http/allowed-methods.ts";
import { clientAddressFor } from "./http/client-address.ts";
import { createCors } from "./http/cors.ts";
import { createErrorMapper } from "./http/errors.ts";
import { routeByTarget } from "./http/host.ts";
import { type AccessFields, createLogger, type Logger, loggablePath } from "./http/logger.ts";
import { InvalidHostError } from "./http/problems.ts";
import { elapsedMs, requestId, startRequest } from "./http/request-context.ts";
import { adminModule } from "./modules/admin/index.ts";
import { authModule } from "./modules/auth/index.ts";
import { createLoginThrottle } from "./modules/auth/throttle.ts";
import { docsModule } from "./modules/docs/index.ts";
import { healthModule } from "./modules/health/index.ts";
import { itemsModule } from "./modules/items/index.ts";
import { limitedModule } from "./modules/limited/index.ts";
import { usersModule } from "./modules/users/index.ts";
import { ensureAdmin } from "./modules/users/service.ts";
import { createSignupLimiter } from "./modules/users/signup-limit.ts";

// Re-exported so the lesson runner can boot the API in-process with the same defaults.
export { type Config, ConfigError, loadConfig } from "./config.ts";

export interface AppOptions {
  config: Config;
  /** An open database; by default `config.databaseUrl` is opened (and migrated). */
  database?: Database;
  rateLimitStore?: RateLimitStore;
  /** argon2id cost; tests lower it, production keeps Bun's defaults. */
  passwordHashing?: Parameters<typeof createPasswordHasher>[0];
  logger?: Logger;
  /** Tests stand in for the peer address, which `app.handle` does not have. */
  clientAddress?: Deps["clientAddress"];
}

/** Builds the whole API from its dependencies. It does not listen: `index.ts` does. */
export async function createApp(options: AppOptions) {
  const { config } = options;
  const { lockTimeoutMs, statementTimeoutMs, poolMax } = config.database;
  const database =
    options.database ??
    (await openDatabase(config.databaseUrl, {
      lockTimeoutMs,
      statementTimeoutMs,
      poolMax,
      applicationName: "statuslab-api",
    }));
  const log = options.logger ?? createLogger();
  // Redis when configured (shared by every worker), otherwise this process's memory.
  const store =
    options.rateLimitStore ??
    (config.redisUrl
      ? new RedisStore({ url: config.redisUrl, keyPrefix: "statuslab:ratelimit:" })
      : new MemoryStore());
  const warn = (message: string, error: { reason: string }) =>
    log.warn(message, { reason: error.reason });
  const deps: Deps = {
    config,
    log,
    repo: database.repository,
    jwt: createJwtService({ secret: config.jwtSecret, accessTokenTtl: config.accessTokenTtl }),
    hasher: createPasswordHasher(options.passwordHashing),
    loginThrottle: createLoginThrottle(store, warn),
    signupLimiter: createSignupLimiter(store, config.signupRateLimit, warn),
    rateLimitStore: store,
    clientAddress: options.clientAddress ?? clientAddressFor(config.trustProxy),
    // Fails closed: a quota that stops counting during an outage is no quota.
    limiter: guardRateLimiter(
      createRateLimiter({
        store,
        prefix: "limited:",
        policy: {
          name: "default",
          limit: config.rateLimit.max,
          windowSeconds: config.rateLimit.windowSeconds,
        },
      }),
      { onUnavailable: "closed", warn },
    ),
  };
  /** Closes what this function opened; injected dependencies belong to the caller. */
  const close = async () => {
    if (!options.rateLimitStore) await store.close();
    if (!options.database) await database.close();
  };
  try {
    // Made now, not on the first unknown-email login, so that login costs what the others do.
    await deps.hasher.verifyAgainstDummy("warm-up");
    if (config.admin) await ensureAdmin(deps, config.admin.email, config.admin.password);
  } catch (error) {
    await close();
    throw error;
  }

  // One line per request, built without an intermediate object when the logger can.
  const access = log.access
    ? log.access.bind(log)
    : (fields: AccessFields) => log.info("request", { ...fields });
  const allowedMethods = createAllowedMethods(() => app.routes);
  const mapError = createErrorMapper({ log, allowedMethods });
  // CORS_ORIGINS unset: an empty plugin and no preflight, every answer as without CORS.
  const cors = createCors(config.corsOrigins, allowedMethods);
  /** Refused before Elysia routes it (http/host.ts): the same problem+json and access line. */
  const refuse = (request: Request) => {
    const response = mapError("INVALID_HOST", new InvalidHostError(), request);
    access({
      method: request.method,
      path: loggablePath(request.url),
      status: response.status,
      duration_ms: 0,
      request_id: response.headers.get("x-request-id") ?? "",
    });
    return response;
  };

  const app = new Elysia()
    // Elysia 1.4.30 misreads the path behind a short Host: every request passes here first.
    .wrap(routeByTarget(refuse))
    // BODY_TIMEOUT, for the body parsers (http/body.ts): shared functions, not built per app.
    .decorate("bodyTimeoutMs", config.bodyTimeoutMs)
    // Hooks destructure their argument: Elysia reads their source to decide what to build for
    // each request, and a hook that takes the whole context gets everything (headers copied,
    // cookies and query parsed) on every route.
    .onRequest(({ request, set }) => {
      startRequest(request, set);
    })
    .onError({ as: "global" }, ({ code, error, request, set }) => {
      // A CORS preflight is an OPTIONS that no route takes: 204 for an allowed origin.
      if (code === "NOT_FOUND" && cors.preflight(request, set)) {
        set.status = 204;
        return "";
      }
      const { status, headers, body } = mapError.describe(code, error, request, set);
      // Handed over as a body plus `set`, so Elysia makes one Response: a Response returned
      // here would be copied, headers and all, because `set.headers` holds the request id
      // (docs/decisions.md, "Performance").
      set.status = status;
      Object.assign(set.headers, headers);
      return body;
    })
    // The access line is written here, where every answer passes once with its final status
    // (errors after `onError` above), rather than in `onAfterResponse`, which costs a
    // `setImmediate` and an async closure per request. The line is only appended to a batch;
    // the write happens once per turn of the event loop (http/logger.ts).
    .mapResponse({ as: "global" }, ({ request, set, responseValue }) => {
      access({
        method: request.method,
        path: loggablePath(request.url),
        status: responseValue instanceof Response ? responseValue.status : statusCode(set.status),
        duration_ms: elapsedMs(set),
        request_id: requestId(request, set),
      });
      // Handed back unchanged: Elysia's global error handler (404, 405, …) takes whatever a
      // mapResponse hook returns as the body, `undefined` included (elysia 1.4.30). The cast
      // only satisfies the hook's type, which allows a Response or nothing.
      return responseValue as Response;
    })
    .use(cors.plugin)
    .use(docsModule((): AnyElysia["routes"] => app.routes))
    .use(healthModule(deps))
    .use(authModule(deps))
    .use(limitedModule(deps))
    .use(itemsModule(deps))
    .use(usersModule(deps))
    .use(adminModule(deps));

  return { app, deps, close };
}

/** `set.status` may hold a status name ("Created"); Elysia turns it into the code later. */
function statusCode(status: number | keyof typeof StatusMap | undefined): number {
  if (typeof status === "number") return status;
  return (status && StatusMap[status]) ?? 200;
}

export type App = Awaited<ReturnType<typeof createApp>>["app"];
