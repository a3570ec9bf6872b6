import { describe, expect, it } from "vitest";
import { loadOrchestratorConfig } from "./config.js";

const token = "t".repeat(32);

describe("loadOrchestratorConfig", () => {
  it("needs only the token and the installation id, and fills safe defaults", () => {
    expect(loadOrchestratorConfig({ DIRECTOR_ORCHESTRATOR_TOKEN: token, DIRECTOR_INSTALLATION_ID: "lab1" })).toEqual({
      http: { host: "127.0.0.1", port: 7001 },
      token,
      installationId: "lab1",
      sites: {
        dir: "/var/lib/director/sites",
        domain: "sites.localhost",
        uidBase: 2_000_000_000,
        volumes: "auto",
        volumesDir: "/var/lib/director/site-volumes",
        diskQuotaBytes: 1024 * 1024 * 1024,
        defaultClientBodyLimitBytes: 2097152,
      },
      balancer: {
        listen: "127.0.0.1:8081",
        nginxDir: "/var/lib/director/balancer-nginx",
        trustedProxies: [],
        tlsListen: "",
        trafficLog: true,
        hstsMaxAgeSeconds: 0,
        certificatesDir: "",
        sitesCertificateFile: "",
        sitesCertificateKeyFile: "",
        acmeChallengesRoot: "",
      },
      files: { maxFileBytes: 10485760, maxZipBytes: 1073741824, maxZipFiles: 100000 },
      docker: { socketPath: "/var/run/docker.sock", siteNetwork: "director-lab1-sites", egress: { kind: "all" } },
      siteLimits: { cpus: 0.6, memoryBytes: 104857600, pidsLimit: 256 },
      stateDir: "/var/lib/director/orchestrator-state",
    });
  });

  it("reads the dynamic sites' variables, and keeps the state directory next to a configured sites dir", () => {
    const config = loadOrchestratorConfig({
      DIRECTOR_ORCHESTRATOR_TOKEN: token,
      DIRECTOR_INSTALLATION_ID: "lab1",
      DIRECTOR_SITES_DIR: "/srv/director/sites",
      DIRECTOR_DOCKER_SOCKET: "/run/docker.sock",
      DIRECTOR_SITE_NETWORK: "lab-sites",
      DIRECTOR_SITE_CPUS: "1.5",
      DIRECTOR_SITE_MEMORY_BYTES: "268435456",
      DIRECTOR_SITE_PIDS_LIMIT: "64",
    });
    expect(config.docker).toEqual({
      socketPath: "/run/docker.sock",
      siteNetwork: "lab-sites",
      egress: { kind: "all" },
    });
    expect(config.siteLimits).toEqual({ cpus: 1.5, memoryBytes: 268435456, pidsLimit: 64 });
    expect(config.stateDir).toBe("/srv/director/orchestrator-state");
    expect(
      loadOrchestratorConfig({
        DIRECTOR_ORCHESTRATOR_TOKEN: token,
        DIRECTOR_INSTALLATION_ID: "lab1",
        DIRECTOR_ORCHESTRATOR_STATE_DIR: "/srv/state",
      }).stateDir,
    ).toBe("/srv/state");
  });

  it("refuses site limits out of bounds and a network name Docker would not take, naming each variable", () => {
    let message = "";
    try {
      loadOrchestratorConfig({
        DIRECTOR_ORCHESTRATOR_TOKEN: token,
        DIRECTOR_INSTALLATION_ID: "lab1",
        DIRECTOR_SITE_CPUS: "0",
        DIRECTOR_SITE_MEMORY_BYTES: "1024",
        DIRECTOR_SITE_PIDS_LIMIT: "1.5",
        DIRECTOR_SITE_NETWORK: "Bad Name",
        DIRECTOR_DOCKER_SOCKET: "docker.sock",
        DIRECTOR_ORCHESTRATOR_STATE_DIR: "state",
        DIRECTOR_SITE_UID_BASE: "1000",
        DIRECTOR_SITE_EGRESS: "10.0.0.0/33",
      });
    } catch (error) {
      message = (error as Error).message;
    }
    for (const variable of [
      "DIRECTOR_SITE_UID_BASE",
      "DIRECTOR_SITE_EGRESS",
      "DIRECTOR_SITE_CPUS",
      "DIRECTOR_SITE_MEMORY_BYTES",
      "DIRECTOR_SITE_PIDS_LIMIT",
      "DIRECTOR_SITE_NETWORK",
      "DIRECTOR_DOCKER_SOCKET",
      "DIRECTOR_ORCHESTRATOR_STATE_DIR",
    ]) {
      expect(message).toContain(variable);
    }
  });

  it("refuses an installation id that is not 1-16 lowercase letters and digits", () => {
    for (const value of ["Lab", "lab-1", "a".repeat(17)]) {
      expect(() =>
        loadOrchestratorConfig({ DIRECTOR_ORCHESTRATOR_TOKEN: token, DIRECTOR_INSTALLATION_ID: value }),
      ).toThrow(/DIRECTOR_INSTALLATION_ID/);
    }
  });

  it("reads every variable", () => {
    const config = loadOrchestratorConfig({
      DIRECTOR_ORCHESTRATOR_HOST: "10.0.0.1",
      DIRECTOR_ORCHESTRATOR_PORT: "9001",
      DIRECTOR_ORCHESTRATOR_TOKEN: token,
      DIRECTOR_INSTALLATION_ID: "lab1",
      DIRECTOR_SITES_DIR: "/srv/sites/",
      DIRECTOR_SITES_DOMAIN: "Sites.Example.org",
      DIRECTOR_SITE_BODY_LIMIT_BYTES: "100",
      DIRECTOR_BALANCER_LISTEN: "8082",
      DIRECTOR_BALANCER_NGINX_DIR: "/srv/nginx",
      DIRECTOR_MAX_FILE_BYTES: "5",
      DIRECTOR_SITE_UID_BASE: "300000",
      DIRECTOR_SITE_EGRESS: "192.0.2.53, 2001:DB8::/32",
    });
    expect(config.http).toEqual({ host: "10.0.0.1", port: 9001 });
    expect(config.sites.uidBase).toBe(300000);
    expect(config.docker.egress).toEqual({
      kind: "only",
      destinations: [
        { family: 4, cidr: "192.0.2.53/32" },
        { family: 6, cidr: "2001:db8::/32" },
      ],
    });
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
      "DIRECTOR_INSTALLATION_ID",
      "DIRECTOR_SITES_DIR",
      "DIRECTOR_BALANCER_LISTEN",
      "DIRECTOR_SITES_DOMAIN",
      "DIRECTOR_MAX_FILE_BYTES",
    ]) {
      expect(message).toContain(variable);
    }
  });
});
