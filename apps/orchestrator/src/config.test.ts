import { describe, expect, it } from "vitest";
import { loadOrchestratorConfig } from "./config.js";

const token = "t".repeat(32);

describe("loadOrchestratorConfig", () => {
  it("needs only the token and fills safe defaults", () => {
    expect(loadOrchestratorConfig({ DIRECTOR_ORCHESTRATOR_TOKEN: token })).toEqual({
      http: { host: "127.0.0.1", port: 7001 },
      token,
      sites: { dir: "/var/lib/director/sites", domain: "sites.localhost", defaultClientBodyLimitBytes: 2097152 },
      balancer: { listen: "127.0.0.1:8081", nginxDir: "/var/lib/director/balancer-nginx" },
      files: { maxFileBytes: 10485760 },
    });
  });

  it("reads every variable", () => {
    const config = loadOrchestratorConfig({
      DIRECTOR_ORCHESTRATOR_HOST: "10.0.0.1",
      DIRECTOR_ORCHESTRATOR_PORT: "9001",
      DIRECTOR_ORCHESTRATOR_TOKEN: token,
      DIRECTOR_SITES_DIR: "/srv/sites/",
      DIRECTOR_SITES_DOMAIN: "Sites.Example.org",
      DIRECTOR_SITE_BODY_LIMIT_BYTES: "100",
      DIRECTOR_BALANCER_LISTEN: "8082",
      DIRECTOR_BALANCER_NGINX_DIR: "/srv/nginx",
      DIRECTOR_MAX_FILE_BYTES: "5",
    });
    expect(config.http).toEqual({ host: "10.0.0.1", port: 9001 });
    expect(config.sites.dir).toBe("/srv/sites/");
    expect(config.balancer.listen).toBe("8082");
    expect(config.files.maxFileBytes).toBe(5);
  });

  it("reports every problem at once, naming each variable", () => {
    let message = "";
    try {
      loadOrchestratorConfig({
        DIRECTOR_SITES_DIR: "relative/sites",
        DIRECTOR_BALANCER_LISTEN: "8081; evil",
        DIRECTOR_SITES_DOMAIN: "not a domain",
        DIRECTOR_MAX_FILE_BYTES: "lots",
      });
    } catch (error) {
      expect(error).toMatchObject({ code: "CONFIG_INVALID" });
      message = (error as Error).message;
    }
    for (const variable of [
      "DIRECTOR_ORCHESTRATOR_TOKEN",
      "DIRECTOR_SITES_DIR",
      "DIRECTOR_BALANCER_LISTEN",
      "DIRECTOR_SITES_DOMAIN",
      "DIRECTOR_MAX_FILE_BYTES",
    ]) {
      expect(message).toContain(variable);
    }
  });
});
