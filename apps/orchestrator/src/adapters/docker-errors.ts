/** How the Docker adapters tell Engine API failures apart and wrap them as domain errors (keeping `cause`). */
import { DirectorError } from "@director/domain/errors";

/** The HTTP status docker-modem puts on a failed Engine API call (`statusCode`), or undefined for a transport error. */
export function dockerStatusCode(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("statusCode" in error)) return undefined;
  return typeof error.statusCode === "number" ? error.statusCode : undefined;
}

/** True when the Engine API answered 404 (no such image, service, network…). */
export function isDockerNotFound(error: unknown): boolean {
  return dockerStatusCode(error) === 404;
}

/** True when the Engine API answered 409 (name already taken, or a conflicting update). */
export function isDockerConflict(error: unknown): boolean {
  return dockerStatusCode(error) === 409;
}

/** Wraps an Engine API failure: DOCKER_REJECTED when the engine answered, DOCKER_UNAVAILABLE when it could not be reached. */
export function dockerFailure(action: string, error: unknown): DirectorError {
  const status = dockerStatusCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (status === undefined) {
    return new DirectorError("DOCKER_UNAVAILABLE", `Could not reach Docker to ${action}: ${detail}`, { cause: error });
  }
  return new DirectorError("DOCKER_REJECTED", `Docker refused to ${action} (HTTP ${status}): ${detail}`, {
    cause: error,
    details: { statusCode: status },
  });
}
