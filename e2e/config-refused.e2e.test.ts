/**
 * A bad configuration through the real command line: `director up` and a separate component refuse to start with
 * one message listing every problem by variable name, start nothing, and never print a secret.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/director-process.js";

/** Runs `director <args>` (the CLI's main.ts, as the launcher execs it) with only `env`; its exit code and output. */
function director(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "apps/cli/src/main.ts"), ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stderr })));
}

describe("a bad configuration", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "director-config-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("stops director up before it starts anything, listing its own and every component's problems", async () => {
    const dataDir = path.join(root, "data");
    const { code, stderr } = await director(["up"], {
      DIRECTOR_DATA_DIR: dataDir,
      DIRECTOR_MANAGER_PORT: "70000",
      DIRECTOR_TOPOLOGY: "mesh",
      DIRECTOR_SITE_MEMORY_BYTES: "1024",
      DIRECTOR_SITE_EGRESS: "everywhere",
      DIRECTOR_LOGIN_WINDOW_MS: "soon",
      DIRECTOR_OIDC_ISSUER: "https://login.school.edu",
      DIRECTOR_OIDC_CLIENT_ID: "director",
      DIRECTOR_OIDC_CLIENT_SECRET: "s3cr3t!",
      DIRECTOR_OIDC_REDIRECT_URL: "https://director.school.edu/api/auth/oidc/callback",
      DIRECTOR_METRICS_TOKEN: "metrics-s3cr3t",
    });
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/^director: The director up's configuration is invalid:\n/);
    expect(stderr.trimEnd()).toMatch(/ \[CONFIG_INVALID\]$/);
    const named = stderr.split("\n").flatMap((line) => (line.startsWith("- ") ? [line.slice(2).split(":")[0]] : []));
    // each variable once, though the orchestrator, the router and the manager all read the metrics token
    expect(named).toEqual([
      "DIRECTOR_MANAGER_PORT",
      "DIRECTOR_TOPOLOGY",
      "DIRECTOR_METRICS_TOKEN",
      "DIRECTOR_SITE_EGRESS",
      "DIRECTOR_SITE_MEMORY_BYTES",
      "DIRECTOR_LOGIN_WINDOW_MS",
      "DIRECTOR_OIDC_CLIENT_SECRET",
    ]);
    for (const secret of ["s3cr3t!", "metrics-s3cr3t"]) expect(stderr).not.toContain(secret);
    // nothing was started: not even the data directory exists
    expect(await readdir(root)).toEqual([]);
  });

  it("stops a separate component, naming every variable it is missing", async () => {
    const { code, stderr } = await director(["worker"], {
      DIRECTOR_DATA_DIR: path.join(root, "data"),
      DIRECTOR_ROUTER_TOKEN: "router-s3cr3t",
    });
    expect(code, stderr).toBe(1);
    expect(stderr).toBe(
      [
        "director: The manager's configuration is invalid:",
        "- DATABASE_URL: is required",
        "- DIRECTOR_ORCHESTRATOR_URL: is required",
        "- DIRECTOR_ORCHESTRATOR_TOKEN: is required",
        "- DIRECTOR_ROUTER_URL: is required",
        "- DIRECTOR_ROUTER_TOKEN: Too small: expected string to have >=32 characters [CONFIG_INVALID]",
        "",
      ].join("\n"),
    );
  });
});
