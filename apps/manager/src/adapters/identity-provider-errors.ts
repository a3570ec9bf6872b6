/** How openid-client's failures become Director's login errors, for both identity provider adapters. */
import { DirectorError } from "@director/domain/errors";
import * as oidc from "openid-client";

/** A provider that did not answer is operational trouble; one that answered "no" is a failed login. */
export function loginFailure(error: unknown, what: string): DirectorError {
  const isNetwork = error instanceof TypeError || (error as { code?: unknown })?.code === "OAUTH_TIMEOUT";
  return new DirectorError(
    isNetwork ? "OIDC_PROVIDER_UNAVAILABLE" : "OIDC_LOGIN_FAILED",
    `${what}: ${describeFailure(error)}`,
    { cause: error },
  );
}

/** The provider's own error code and description when it sent one, else the error's message. */
export function describeFailure(error: unknown): string {
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    return `${error.error}${error.error_description ? ` (${error.error_description})` : ""}`;
  }
  return error instanceof Error ? error.message : String(error);
}
