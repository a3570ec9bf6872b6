import type { ErrorBody } from "@director/contracts/error-body";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import { errorStatus } from "./error-status.js";

/**
 * Recognises failures of a library an app uses (the manager: PostgreSQL's refusals of text) as the caller's fault;
 * null leaves the failure to the shared rules below.
 */
export type ErrorTranslator = (error: unknown) => DirectorError | null;

/** Turns any thrown value into a JSON error body with a stable code; only unexpected failures become 500s. */
export function toErrorResponse(error: unknown, translate?: ErrorTranslator): { status: number; body: ErrorBody } {
  const directorError = (isDirectorError(error) ? null : translate?.(error)) ?? toDirectorError(error);
  const body: ErrorBody = { error: { code: directorError.code, message: directorError.message } };
  if (directorError.details) body.error.details = directorError.details;
  return { status: errorStatus(directorError.code), body };
}

function toDirectorError(error: unknown): DirectorError {
  if (isDirectorError(error)) return error;
  if (error instanceof ZodError) {
    const fields = Object.fromEntries(error.issues.map((issue) => [issue.path.join(".") || "body", issue.message]));
    return new DirectorError("VALIDATION_FAILED", "The request is not valid; see details for each field.", {
      details: { fields },
      cause: error,
    });
  }
  const fastifyError = error as Partial<FastifyError>;
  // Raised while routing, before any handler (answered through the `frameworkErrors` option below).
  if (fastifyError.code === "FST_ERR_BAD_URL") {
    return new DirectorError(
      "VALIDATION_FAILED",
      "The address is not valid: a percent-encoded part of it (such as %c0%ae) is not UTF-8 text.",
      { cause: error },
    );
  }
  if (fastifyError.code === "FST_ERR_MAX_PARAM_LENGTH") {
    return new DirectorError("VALIDATION_FAILED", "A part of the address is too long.", { cause: error });
  }
  // Fastify's own 4xx errors (bad JSON, body too large, wrong content type) keep their status class.
  if (fastifyError.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
    return new DirectorError("UPLOAD_TOO_LARGE", "The request body is larger than this server accepts.", {
      cause: error,
    });
  }
  if (typeof fastifyError.statusCode === "number" && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new DirectorError("VALIDATION_FAILED", fastifyError.message ?? "The request is not valid.", {
      cause: error,
    });
  }
  return new DirectorError("INTERNAL", "Something went wrong on our side; it has been logged.", { cause: error });
}

/** Answers a failure with its status and error body, and logs it (as an error when it is ours). */
function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply, translate?: ErrorTranslator): void {
  const { status, body } = toErrorResponse(error, translate);
  if (status >= 500) request.log.error({ err: error }, "request failed");
  else request.log.info({ code: body.error.code }, "request refused");
  if (status === 429 && typeof body.error.details?.retryAfterSeconds === "number") {
    // RFC 9110 §10.2.3: the seconds a client should wait before trying again
    void reply.header("retry-after", String(body.error.details.retryAfterSeconds));
  }
  void reply.status(status).send(body);
}

/**
 * Fastify's `frameworkErrors` option, for every Director server: failures Fastify meets before a route's hooks and
 * handler run (a malformed percent-encoding such as `/api/sites/%c0%ae`, a too long path parameter) get the same
 * error body as everything else. Without it Fastify writes its own `{"error":"Bad Request","code":"FST_ERR_BAD_URL"}`.
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendError(error, request, reply);
}

/** Installs the error and not-found handlers every Director HTTP server shares; `translate` sees failures first. */
export function installErrorHandling(app: FastifyInstance, options: { translate?: ErrorTranslator } = {}): void {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply, options.translate));
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = toErrorResponse(
      new DirectorError("NOT_FOUND", `No route ${request.method} ${request.url.split("?")[0]}.`),
    );
    void reply.status(status).send(body);
  });
}
