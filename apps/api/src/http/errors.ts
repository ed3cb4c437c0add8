import type { TSchema } from "@sinclair/typebox";
import { ValueErrorType } from "@sinclair/typebox/errors";
import { Value } from "@sinclair/typebox/value";
import {
  HashingBusyError,
  InvalidTokenError,
  MissingCredentialsError,
  TokenExpiredError,
  TokenTypeError,
} from "@statuslab/auth";
import type { FieldError } from "@statuslab/contracts";
import { DatabaseUnavailableError } from "@statuslab/db";
import { RateLimitStoreUnavailableError } from "@statuslab/rate-limiter";
import { pathOf } from "./host.ts";
import { type Logger, loggablePath } from "./logger.ts";
import {
  CredentialsRejectedError,
  DatabaseUnavailableProblem,
  HashingBusyProblem,
  HttpProblem,
  InternalServerError,
  InvalidTokenProblem,
  MalformedBodyError,
  MethodNotAllowedError,
  NotAuthenticatedProblem,
  PROBLEM_CONTENT_TYPE,
  problemBody,
  RateLimiterUnavailableError,
  RouteNotFoundError,
  TokenExpiredProblem,
  ValidationProblem,
} from "./problems.ts";
import { type RequestSet, requestId } from "./request-context.ts";

/** The contract's table of 401s: one detail and one challenge per kind of failure. */
function authProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof MissingCredentialsError) return new NotAuthenticatedProblem();
  if (error instanceof TokenExpiredError) return new TokenExpiredProblem();
  if (error instanceof InvalidTokenError) return new InvalidTokenProblem();
  if (error instanceof TokenTypeError) return new CredentialsRejectedError();
  return undefined;
}

interface ValueErrorLike {
  path?: string;
  message?: string;
  type?: number;
  schema?: { errorMessage?: unknown; format?: unknown; [keyword: string]: unknown };
}

/** Field errors for a 422: where and what, never the value that was sent. */
export function fieldErrors(all: readonly ValueErrorLike[], sent: unknown): FieldError[] {
  const byPath = new Map<string, string>();
  for (const error of all) {
    const path = error.path || "/";
    if (byPath.has(path)) continue;
    // A missing field is reported as "Expected string"; the value sent tells them apart.
    const missing = path !== "/" && valueAt(sent, path) === undefined;
    byPath.set(path, missing ? "is required" : messageFor(error));
    if (byPath.size === 20) break;
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

/** The value at a JSON Pointer (RFC 6901), or undefined. */
function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split("/").slice(1)) {
    if (node === null || typeof node !== "object") return undefined;
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (!Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function messageFor(error: ValueErrorLike): string {
  if (error.type === ValueErrorType.ObjectRequiredProperty) return "is required";
  if (typeof error.schema?.errorMessage === "string") return error.schema.errorMessage;
  if (error.type === ValueErrorType.StringFormat && error.schema?.format === "email")
    return "must be a valid email address";
  return error.message ?? "is invalid";
}

/**
 * The raw TypeBox errors of a failed validation. Elysia's own `error.all` decorates each
 * one with a summary built by interpolating the rejected value into a string, which
 * throws for an object such as `{"toString": ""}`; TypeBox's iterator does not.
 */
function validationErrors(error: { validator?: unknown; value?: unknown }): ValueErrorLike[] {
  const validator = error.validator as
    | { Errors?: (value: unknown) => Iterable<ValueErrorLike>; schema?: TSchema }
    | undefined;
  const errors: ValueErrorLike[] = [];
  try {
    const iterable =
      typeof validator?.Errors === "function"
        ? validator.Errors(error.value)
        : validator?.schema
          ? Value.Errors(validator.schema, error.value)
          : [];
    for (const item of iterable) {
      errors.push(item);
      if (errors.length === 64) break;
    }
  } catch {
    // An unexpected validator: the 422 then names no field, which is still a 422.
  }
  return errors;
}

const VALIDATION_DETAIL: Record<string, string> = {
  body: "Invalid request body",
  query: "Invalid query string",
  params: "Invalid path parameter",
  headers: "Invalid request headers",
};

export interface ErrorMapperOptions {
  log: Logger;
  allowedMethods: (path: string) => string[];
}

/** Every failure, from any layer, leaves as application/problem+json. */
export function createErrorMapper({ log, allowedMethods }: ErrorMapperOptions) {
  const toProblem = (code: unknown, error: unknown, request: Request, id: string): HttpProblem => {
    // Elysia wraps whatever a body parser throws in its own ParseError.
    if (code === "PARSE" && error instanceof Error && error.cause instanceof HttpProblem)
      return error.cause;
    if (error instanceof HttpProblem) return error;
    const auth = authProblem(error);
    if (auth) return auth;
    if (error instanceof DatabaseUnavailableError) {
      log.warn("database unavailable", {
        reason: error.reason,
        request_id: id,
      });
      return new DatabaseUnavailableProblem(error.retryAfterSeconds);
    }
    if (error instanceof HashingBusyError) return new HashingBusyProblem(error.retryAfterSeconds);
    if (error instanceof RateLimitStoreUnavailableError) {
      return new RateLimiterUnavailableError(5);
    }
    if (code === "VALIDATION") {
      const validation = error as { type?: string; validator?: unknown; value?: unknown };
      return new ValidationProblem(
        VALIDATION_DETAIL[validation.type ?? ""] ?? "Validation failed",
        fieldErrors(validationErrors(validation), validation.value),
      );
    }
    if (code === "PARSE") return new MalformedBodyError("request");
    if (code === "NOT_FOUND") {
      const allowed = allowedMethods(pathOf(request.url));
      if (allowed.length > 0) return new MethodNotAllowedError(allowed);
      return new RouteNotFoundError();
    }
    // Anything else is our bug: log it fully here, tell the client nothing of it.
    log.error("unhandled error", {
      request_id: id,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    return new InternalServerError();
  };

  const safely = (code: unknown, error: unknown, request: Request, id: string): HttpProblem => {
    try {
      return toProblem(code, error, request, id);
    } catch (failure) {
      // Never let the error handler itself fail: Elysia would answer a bare text/plain 500.
      try {
        log.error("error handler failed", {
          request_id: id,
          error: failure instanceof Error ? `${failure.name}: ${failure.message}` : "unknown",
          stack: failure instanceof Error ? failure.stack : undefined,
        });
      } catch {
        // Nothing more can be done about a logger that throws.
      }
      return new InternalServerError();
    }
  };

  /** The problem as status, headers and body text (empty for HEAD), for a caller that builds the Response. */
  const describe = (
    code: unknown,
    error: unknown,
    request: Request,
    set: RequestSet,
  ): DescribedProblem => {
    const id = requestId(request, set);
    const problem = safely(code, error, request, id);
    const body = problemBody(problem.status, problem.detail, {
      instance: loggablePath(request.url),
      requestId: id,
      errors: problem.errors,
    });
    return {
      status: problem.status,
      headers: { ...problem.headers, "content-type": PROBLEM_CONTENT_TYPE, "x-request-id": id },
      // A HEAD answer has the headers a GET would get and never a body (RFC 9110 §9.3.2).
      body: request.method === "HEAD" ? "" : JSON.stringify(body),
    };
  };

  /** The same as a Response, for a caller outside Elysia's hooks (a fresh request id). */
  const mapError = (code: unknown, error: unknown, request: Request): Response => {
    const { status, headers, body } = describe(code, error, request, { headers: {} });
    return new Response(body === "" ? null : body, { status, headers });
  };
  return Object.assign(mapError, { describe });
}

export interface DescribedProblem {
  status: number;
  headers: Record<string, string>;
  body: string;
}
