/** The person behind a shell login's token (header `x-director-login`), checked like a web session. */
import { shellLoginHeader } from "@director/contracts/manager-routes-ssh";
import { DirectorError } from "@director/domain/errors";
import type { User } from "@director/domain/user";
import { mustAcceptGuidelines } from "@director/domain/user-role";
import type { FastifyRequest } from "fastify";
import type { AuthService } from "../auth/auth.service.js";

/** The token the shell server sent, or undefined. */
export function shellLoginTokenOf(request: FastifyRequest): string | undefined {
  const value = request.headers[shellLoginHeader];
  return typeof value === "string" && value.length > 0 && value.length <= 256 ? value : undefined;
}

/**
 * The logged-in person of a shell request: AUTH_REQUIRED when the login ended (logged out everywhere, expired,
 * account disabled), GUIDELINES_NOT_ACCEPTED with where to accept them. The messages reach the person's terminal.
 */
export async function shellPersonOf(
  auth: Pick<AuthService, "userForToken" | "guidelines">,
  request: FastifyRequest,
  webHost: string,
): Promise<{ user: User; token: string }> {
  const token = shellLoginTokenOf(request);
  const user = token === undefined ? null : await auth.userForToken(token, "shell");
  if (token === undefined || user === null) {
    throw new DirectorError(
      "AUTH_REQUIRED",
      "This SSH login has ended (logged out, expired or disabled); connect again.",
    );
  }
  if (mustAcceptGuidelines(user, auth.guidelines.version)) {
    throw new DirectorError(
      "GUIDELINES_NOT_ACCEPTED",
      `Read and accept the guidelines in the web interface first${webHost === "" ? "" : ` (at ${webHost})`}, then connect again.`,
    );
  }
  return { user, token };
}
