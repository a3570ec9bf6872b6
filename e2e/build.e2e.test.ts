/**
 * The deployable build (issue 17): `npm run build` (run by scripts/test.sh before the tests) leaves one program per
 * component in dist/<component>, whose package.json lists exactly the npm packages it imports. The router is
 * installed alone, as on a machine that runs only the router, outside this checkout (so nothing resolves from its
 * node_modules): `npm install --omit=dev` there, started with plain node, refusing calls without its token, and
 * stopped gracefully on SIGTERM with its nginx.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { generateInternalToken } from "@director/http-kit/internal-auth";
import { freePort } from "@director/testing/free-port";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "./support/director-process.js";

const components = ["manager", "worker", "orchestrator", "router", "shell"] as const;

describe("npm run build", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("makes one program per component, needing neither tsx nor esbuild, each declaring only what it imports", async () => {
    for (const component of components) {
      const dir = path.join(repoRoot, "dist", component);
      const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8"));
      const program = await readFile(path.join(dir, `${component}.mjs`), "utf8");
      const imported = new Set(
        [...program.matchAll(/^import\s[^;]*?from\s*"([^"]+)";?$|^import\s*"([^"]+)";?$/gm)]
          .map((match) => match[1] ?? match[2] ?? "")
          .concat([...program.matchAll(/\brequire\d*\(\s*"([^".][^"]*)"\s*\)/g)].map((match) => match[1] ?? ""))
          .filter(
            (specifier) =>
              !specifier.startsWith("node:") && !specifier.startsWith(".") && !builtinModules.includes(specifier),
          )
          .map((specifier) =>
            specifier
              .split("/")
              .slice(0, specifier.startsWith("@") ? 2 : 1)
              .join("/"),
          ),
      );
      const declared = Object.keys(manifest.dependencies).sort();
      expect(declared, component).not.toContain("tsx");
      expect(declared, component).not.toContain("esbuild");
      expect(program, component).not.toMatch(/@director\//);
      for (const name of imported) expect(declared, `${component} imports ${name}`).toContain(name);
    }
    const shell = JSON.parse(await readFile(path.join(repoRoot, "dist/shell/package.json"), "utf8"));
    expect(Object.keys(shell.dependencies)).toContain("ssh2"); // loaded with require, not import
    const router = JSON.parse(await readFile(path.join(repoRoot, "dist/router/package.json"), "utf8"));
    // what only other components use stays off a router's machine
    for (const name of ["kysely", "pg", "dockerode", "ssh2", "amqplib", "ioredis"]) {
      expect(Object.keys(router.dependencies)).not.toContain(name);
    }
  });

  it("installs the router alone outside the checkout, runs it with node, and stops it gracefully", async () => {
    const machine = await mkdtemp(path.join(tmpdir(), "director-router-machine-"));
    cleanups.push(() => rm(machine, { recursive: true, force: true }));
    await cp(path.join(repoRoot, "dist/router"), machine, { recursive: true });
    await promisify(execFile)(
      "npm",
      ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"],
      { cwd: machine, timeout: 180_000 },
    );
    const installed = await readdir(path.join(machine, "node_modules"));
    expect(installed).toContain("fastify");
    for (const name of ["kysely", "pg", "dockerode", "tsx", "esbuild"]) expect(installed).not.toContain(name);

    const [apiPort, edgePort] = [await freePort(), await freePort()];
    const token = generateInternalToken();
    const child = spawn(process.execPath, ["router.mjs"], {
      cwd: machine,
      env: {
        PATH: process.env.PATH,
        DIRECTOR_ROUTER_PORT: String(apiPort),
        DIRECTOR_ROUTER_TOKEN: token,
        DIRECTOR_EDGE_LISTEN: `127.0.0.1:${edgePort}`,
        DIRECTOR_ROUTER_NGINX_DIR: path.join(machine, "nginx"),
        DIRECTOR_BALANCERS: "127.0.0.1:1",
        DIRECTOR_SITES_DOMAIN: "sites.test",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    const base = `http://127.0.0.1:${apiPort}`;
    await untilAnswers(`${base}/health`, child, () => output);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true, component: "router" });
    const refused = await fetch(`${base}/internal/v1/routes`);
    expect(refused.status).toBe(401);
    const edge = await fetch(`http://127.0.0.1:${edgePort}/`, { headers: { host: "nothing.sites.test" } });
    expect(edge.status).toBe(404);

    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited, output).toBe(0);
    expect(output).toContain('"msg":"stopped"');
    // its nginx went with it
    await expect(fetch(`http://127.0.0.1:${edgePort}/`)).rejects.toThrow();
  });
});

async function untilAnswers(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer:\n${output()}`);
}
