/**
 * The variables every internal API has (orchestrator, router): where it listens and the token its callers send. One
 * definition, so that both components read them the same way and document them with the same words.
 */
import { variable } from "@director/config/config-table";
import { z } from "zod";
import type { InternalToken } from "./internal-auth.js";

/**
 * `DIRECTOR_<COMPONENT>_HOST`, `_PORT` (default `defaultPort`), `_TOKEN` (required, secret) and `_PREVIOUS_TOKEN`
 * (optional: accepted too while callers move to the new token).
 */
export function internalApiVariables(component: "ORCHESTRATOR" | "ROUTER", defaultPort: number) {
  return {
    http: {
      host: variable({
        env: `DIRECTOR_${component}_HOST`,
        schema: z.string().min(1).default("127.0.0.1"),
        doc: "address of the internal API; keep it unreachable from site containers",
      }),
      port: variable({
        env: `DIRECTOR_${component}_PORT`,
        schema: z.coerce.number().int().min(0).max(65535).default(defaultPort),
        doc: "port of the internal API (0: any free port)",
      }),
    },
    token: variable({
      env: `DIRECTOR_${component}_TOKEN`,
      schema: z
        .string({ error: "is required" })
        .min(32, "must be at least 32 characters long")
        .transform((value) => value as InternalToken),
      doc: "the bearer token callers must send, 32+ characters",
      isSecret: true,
    }),
    previousToken: variable({
      env: `DIRECTOR_${component}_PREVIOUS_TOKEN`,
      schema: z
        .string()
        .min(32, "must be at least 32 characters long")
        .transform((value) => value as InternalToken)
        .optional(),
      doc: "during a rotation: the old token, still accepted until it is removed (see Rotating the internal tokens)",
      defaultDoc: "none: only the token is accepted",
      isSecret: true,
    }),
  };
}

/** `DIRECTOR_METRICS_TOKEN`: the one token Prometheus sends to every component's GET /metrics (the manager's too). */
export function metricsTokenVariable() {
  return variable({
    env: "DIRECTOR_METRICS_TOKEN",
    schema: z.string().min(16, "must be at least 16 characters long").optional(),
    doc: "bearer token (16+ characters) for Prometheus to read `GET /metrics`",
    defaultDoc: "unset: no `/metrics`",
    isSecret: true,
  });
}
