import { describe, expect, it } from "vitest";
import { DirectorError, errorCodes } from "./errors.js";

describe("the error code table", () => {
  it("gives every code a status that matches who must act", () => {
    for (const [code, { kind, status }] of Object.entries(errorCodes)) {
      if (kind === "user") expect([code, status >= 400 && status < 500]).toEqual([code, true]);
      else expect([code, status >= 500]).toEqual([code, true]);
    }
  });

  it("marks as passing exactly what is worth trying again later", () => {
    const passing = Object.entries(errorCodes)
      .filter(([, spec]) => spec.kind === "passing")
      .map(([code]) => code)
      .sort();
    expect(passing).toEqual([
      "ACME_RATE_LIMITED",
      "ACME_UNAVAILABLE",
      "BROKER_UNAVAILABLE",
      "COMPONENT_UNREACHABLE",
      "DATABASE_HOST_UNAVAILABLE",
      "DATABASE_UNAVAILABLE",
      "DOCKER_UNAVAILABLE",
      "NGINX_RELOAD_FAILED",
      "REGISTRY_UNAVAILABLE",
      "SITE_FILES_BUSY",
      "SITE_PROCESS_STILL_RUNNING",
    ]);
    expect(new DirectorError("COMPONENT_UNREACHABLE", "down").kind).toBe("passing");
    expect(new DirectorError("NGINX_CONFIG_REJECTED", "bad").kind).toBe("operator");
  });
});
