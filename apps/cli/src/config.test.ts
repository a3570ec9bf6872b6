import path from "node:path";
import { variablesOf } from "@director/config/config-table";
import { managerConfigTable } from "@director/manager";
import { orchestratorConfigTable } from "@director/orchestrator";
import { routerConfigTable } from "@director/router";
import { shellConfigTable } from "@director/shell";
import { describe, expect, it } from "vitest";
import { loadCommandConfig, loadUpConfig, setByUp, upConfigTable, upVariables } from "./config.js";

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toMatchObject({ code: "CONFIG_INVALID" });
    return (error as { details: { problems: string[] } }).details.problems;
  }
  throw new Error("the configuration was accepted");
}

describe("director up's configuration", () => {
  it("needs nothing: every setting has a default and nothing passes through", () => {
    const config = loadUpConfig({ DIRECTOR_DATA_DIR: "/srv/director" });
    expect(config).toMatchObject({
      dataDir: "/srv/director",
      listenHost: "127.0.0.1",
      managerPort: 8080,
      sitesPort: 8081,
      sitesDomain: "sites.localhost",
      orchestratorPort: 7001,
      routerPort: 7002,
      embeddedPostgresPort: 5439,
      hasLocalDatabaseHost: true,
      siteDatabasePort: 5440,
      topology: "shared",
      balancerPort: 8082,
      workerLeaseMs: 30_000,
      dockerSocketPath: "/var/run/docker.sock",
      logLevel: "info",
      guidelines: {},
      passThrough: { manager: {}, orchestrator: {}, router: {} },
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.sitesUrlTemplate).toBeUndefined();
  });

  it("lists every problem at once, its own and each component's, each variable once", () => {
    const problems = problemsOf(() =>
      loadUpConfig({
        DIRECTOR_MANAGER_PORT: "0",
        DIRECTOR_LOG_LEVEL: "loud",
        DIRECTOR_SITES_DOMAIN: "not a domain",
        DIRECTOR_SITE_CPUS: "0",
        DIRECTOR_SITE_EGRESS: "10.0.0.0/33",
        DIRECTOR_COOKIE_SECURE: "ture",
        DIRECTOR_OIDC_ISSUER: "https://login.school.edu",
        DIRECTOR_LOG_STREAMS_TOTAL: "many",
      }),
    );
    expect(problems.map((problem) => problem.split(":")[0])).toEqual([
      "DIRECTOR_MANAGER_PORT",
      "DIRECTOR_SITES_DOMAIN",
      "DIRECTOR_LOG_LEVEL",
      "DIRECTOR_SITE_EGRESS",
      "DIRECTOR_SITE_CPUS",
      "DIRECTOR_COOKIE_SECURE",
      "DIRECTOR_LOG_STREAMS_TOTAL",
      "DIRECTOR_OIDC_CLIENT_ID",
      "DIRECTOR_OIDC_CLIENT_SECRET",
      "DIRECTOR_OIDC_REDIRECT_URL",
    ]);
  });

  it("takes the manager's certificate file and key together or not at all, as absolute paths", () => {
    const problems = problemsOf(() => loadUpConfig({ DIRECTOR_MANAGER_CERTIFICATE_FILE: "/etc/director/cert.pem" }));
    expect(problems).toEqual([
      "DIRECTOR_MANAGER_CERTIFICATE_FILE and DIRECTOR_MANAGER_CERTIFICATE_KEY_FILE go together: set both or neither",
    ]);
    expect(
      problemsOf(() =>
        loadUpConfig({
          DIRECTOR_MANAGER_CERTIFICATE_FILE: "cert.pem",
          DIRECTOR_MANAGER_CERTIFICATE_KEY_FILE: "/k.pem",
        }),
      ).map((problem) => problem.split(":")[0]),
    ).toEqual(["DIRECTOR_MANAGER_CERTIFICATE_FILE"]);
    const config = loadUpConfig({
      DIRECTOR_MANAGER_CERTIFICATE_FILE: "/etc/director/cert.pem",
      DIRECTOR_MANAGER_CERTIFICATE_KEY_FILE: "/etc/director/key.pem",
    });
    expect([config.managerCertificateFile, config.managerCertificateKeyFile]).toEqual([
      "/etc/director/cert.pem",
      "/etc/director/key.pem",
    ]);
  });

  it("passes the components' own variables through, and neither checks nor passes those it sets itself", () => {
    const config = loadUpConfig({
      DIRECTOR_SITE_CPUS: "1.5",
      DIRECTOR_MAX_FILE_BYTES: "5",
      DIRECTOR_MAX_UPLOAD_BYTES: "7",
      DIRECTOR_SITES_DOMAIN: "sites.school.edu",
      // set by director up: a standalone component's values are ignored, even when they would be refused
      DIRECTOR_SITES_DIR: "relative/sites",
      DIRECTOR_ORCHESTRATOR_TOKEN: "short",
      DIRECTOR_MANAGER_HOST: "0.0.0.0",
      DIRECTOR_BALANCERS: "nowhere",
      DATABASE_URL: "postgres://director@db/director",
    });
    expect(config.passThrough).toEqual({
      orchestrator: {
        DIRECTOR_SITES_DOMAIN: "sites.school.edu",
        DIRECTOR_MAX_FILE_BYTES: "5",
        DIRECTOR_SITE_CPUS: "1.5",
      },
      router: { DIRECTOR_SITES_DOMAIN: "sites.school.edu" },
      manager: { DIRECTOR_SITES_DOMAIN: "sites.school.edu", DIRECTOR_MAX_UPLOAD_BYTES: "7" },
      shell: {},
    });
    expect(config.databaseUrl).toBe("postgres://director@db/director");
  });

  it("sets only variables the components read (a misspelt name would let the real one pass through)", () => {
    const tables = {
      manager: managerConfigTable,
      orchestrator: orchestratorConfigTable,
      router: routerConfigTable,
      shell: shellConfigTable,
    };
    for (const [component, names] of Object.entries(setByUp)) {
      const read = variablesOf(tables[component as keyof typeof tables]).map(({ variable }) => variable.env);
      expect(
        names.filter((name) => !read.includes(name)),
        component,
      ).toEqual([]);
    }
  });

  it("documents each variable it reads once, none of those it sets for a component", () => {
    const names = upVariables().map(({ variable }) => variable.env);
    expect(names).toContain("DIRECTOR_SITE_CPUS");
    expect(names).toContain("DIRECTOR_OIDC_CLIENT_SECRET");
    expect(names).toContain("DIRECTOR_WEB_DIST_DIR");
    expect(new Set(names).size).toBe(names.length);
    const own = new Set(Object.values(upConfigTable).flatMap((entry) => ("env" in entry ? [entry.env] : [])));
    own.add("DIRECTOR_GUIDELINES_FILE");
    const setForComponents = [...setByUp.manager, ...setByUp.orchestrator, ...setByUp.router];
    // the ports, the topology, DATABASE_URL...: up's own variable of that name, with up's meaning
    expect(setForComponents.filter((name) => names.includes(name)).every((name) => own.has(name))).toBe(true);
    expect(names).not.toContain("DIRECTOR_ORCHESTRATOR_URL");
    expect(names).not.toContain("DIRECTOR_MANAGER_HOST");
    expect(names).not.toContain("DIRECTOR_SITES_DIR");
  });
});

describe("the other commands' configuration", () => {
  it("reads the command's own settings only: a component's bad variable does not stop `director migrate`", () => {
    const config = loadCommandConfig({ DIRECTOR_SITE_CPUS: "0", DIRECTOR_GUIDELINES_FILE: "/etc/director/rules.txt" });
    expect(config.guidelines.filePath).toBe("/etc/director/rules.txt");
    expect(problemsOf(() => loadCommandConfig({ DIRECTOR_DOCKER_SOCKET: "docker.sock" }))).toEqual([
      "DIRECTOR_DOCKER_SOCKET: must be an absolute path",
    ]);
  });

  it("takes an empty data directory as unset, and makes a relative one absolute", () => {
    expect(path.isAbsolute(loadCommandConfig({ DIRECTOR_DATA_DIR: "" }).dataDir)).toBe(true);
    expect(loadCommandConfig({ DIRECTOR_DATA_DIR: "" }).dataDir).not.toBe(process.cwd());
    expect(loadCommandConfig({ DIRECTOR_DATA_DIR: "data" }).dataDir).toBe(path.resolve("data"));
  });
});
