/**
 * A dynamic site on a real `director up`: its run.sh runs as a Docker Swarm service (locally built base
 * image, no registry), and the router serves it through the balancer straight to the task's address.
 */
import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { type HttpAnswer, httpRequest } from "@director/testing/http-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "dynamic sites password";
const serve = (dir: string) => `#!/bin/sh\necho "serving ${dir}"\nexec httpd -f -p "$PORT" -h ${dir}\n`;

describe("director up: a dynamic site end to end", () => {
  let director: DirectorProcess;
  let api: ApiSession;
  let siteId: number;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    api = await ApiSession.login(director.managerUrl, "admin", password);
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
  });

  const site = () => httpRequest({ url: `${director.sitesUrl}/`, host: `app.sites.localhost:${director.ports.sites}` });

  /** Polls the site through the router until `predicate` holds (a task takes a few seconds to be replaced). */
  async function until(predicate: (answer: HttpAnswer) => boolean, timeoutMs = 30_000): Promise<HttpAnswer> {
    const deadline = Date.now() + timeoutMs;
    let answer = await site();
    while (!predicate(answer) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      answer = await site();
    }
    return answer;
  }

  /** Polls the site's process status until `predicate` holds (Swarm reports a new task as starting first). */
  async function processUntil(predicate: (status: { state: string; message: string }) => boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    let status = (await api.request("GET", "/api/sites/app/process")).json();
    while (!predicate(status) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await api.request("GET", "/api/sites/app/process")).json();
    }
    return status;
  }

  async function upload(path: string, body: string, mode?: "755") {
    const answer = await api.request("PUT", `/api/sites/app/files/${path}${mode ? `?mode=${mode}` : ""}`, { body });
    expect(answer.status, answer.text).toBe(200);
  }

  it("creates a dynamic site that says plainly it has no run.sh yet", async () => {
    const created = await api.request("POST", "/api/sites?wait=true", { json: { name: "app", type: "dynamic" } });
    expect(created.status, created.text).toBe(201);
    siteId = created.json().site.id;
    const answer = await until((candidate) => candidate.status === 502 || candidate.status === 503);
    expect([502, 503]).toContain(answer.status);
    expect(answer.text).not.toContain("nginx");
    const status = await processUntil((candidate) => /run\.sh/.test(candidate.message));
    expect(status.message).toMatch(/no run\.sh/);
  });

  it("serves what run.sh serves, through the router", async () => {
    await upload("public/index.html", "v1 from public\n");
    await upload("private/index.html", "v2 from private\n");
    await upload("run.sh", serve("/site/public"), "755");
    const restarted = await api.request("POST", "/api/sites/app/restart?wait=true");
    expect(restarted.status, restarted.text).toBe(200);
    const answer = await until((candidate) => candidate.status === 200);
    expect(answer.text).toBe("v1 from public\n");
    expect((await processUntil((candidate) => candidate.state === "running")).state).toBe("running");
    const logs = await api.request("GET", "/api/sites/app/logs?tailLines=50");
    expect(logs.json().lines.join("\n")).toContain("serving /site/public");
  });

  it("picks up an edited run.sh on restart, and the live log shows the stop and the new start", async () => {
    await upload("run.sh", serve("/site/private"), "755");
    const lineTexts = (events: Array<{ event: string; data: string }>) =>
      events.filter((event) => event.event === "line").map((event) => JSON.parse(event.data).text as string);
    let restarting: ReturnType<typeof api.request> | undefined;
    const events = await api.collectEvents(
      "/api/sites/app/logs/events?tailLines=0",
      (received) => lineTexts(received).includes("serving /site/private"),
      {
        onOpen: () => {
          restarting = api.request("POST", "/api/sites/app/restart?wait=true");
        },
      },
    );
    // The new process may serve before the restart operation has recorded its end: wait for that, or the next
    // change of the site would find it busy.
    const restarted = await restarting;
    expect(restarted?.status, restarted?.text).toBe(200);
    expect(lineTexts(events), JSON.stringify(events)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DIRECTOR: stopping/),
        "DIRECTOR: starting /site/run.sh",
        "serving /site/private",
      ]),
    );
    const answer = await until((candidate) => candidate.text === "v2 from private\n");
    expect(answer.text).toBe("v2 from private\n");
  });

  it("switches to static (nginx serves public/) and back to dynamic", async () => {
    const toStatic = await api.request("PATCH", "/api/sites/app?wait=true", { json: { type: "static" } });
    expect(toStatic.status, toStatic.text).toBe(200);
    expect((await until((candidate) => candidate.text === "v1 from public\n")).text).toBe("v1 from public\n");
    expect(await serviceCount(director, siteId)).toBe(0);

    const toDynamic = await api.request("PATCH", "/api/sites/app?wait=true", { json: { type: "dynamic" } });
    expect(toDynamic.status, toDynamic.text).toBe(200);
    expect((await until((candidate) => candidate.text === "v2 from private\n")).text).toBe("v2 from private\n");
  });

  it("shows a clear page when an administrator stops serving or disables it", async () => {
    for (const availability of ["not-served", "disabled"]) {
      const changed = await api.request("PUT", "/api/sites/app/availability?wait=true", { json: { availability } });
      expect(changed.status, changed.text).toBe(200);
      const answer = await site();
      expect(answer.status).toBe(503);
      expect(answer.text).toContain("not being served");
      expect(answer.text).not.toContain("v2 from private");
    }
    await api.request("PUT", "/api/sites/app/availability?wait=true", { json: { availability: "enabled" } });
    expect((await until((candidate) => candidate.text === "v2 from private\n")).text).toBe("v2 from private\n");
  });

  it("stops a process that eats past its memory limit, and says so", async () => {
    const limited = await api.request("PUT", "/api/sites/app/limits?wait=true", { json: { memoryMib: 16 } });
    expect(limited.status, limited.text).toBe(200);
    // tail keeps the whole (newline-free) stream in memory: 64 MiB against a 16 MiB limit
    await upload("run.sh", "#!/bin/sh\necho eating memory\nhead -c 67108864 /dev/zero | tail > /dev/null\n", "755");
    await api.request("POST", "/api/sites/app/restart?wait=true");
    const status = await processUntil((candidate) => /memory/i.test(candidate.message));
    expect(status.message).toMatch(/memory/i);
    expect(status.message).toContain("16 MiB");
    // the log reaches `docker service logs` a moment after the task's state
    const killed = /^DIRECTOR: run.sh was killed .*memory.* \(16 MiB\)$/;
    const logLines = async (): Promise<string[]> =>
      (await api.request("GET", "/api/sites/app/logs?tailLines=50")).json().lines;
    await expect.poll(async () => (await logLines()).some((line) => killed.test(line)), { timeout: 20_000 }).toBe(true);
  });

  it("fails a restart whose process exits at once; an administrator retries it once run.sh is fixed", async () => {
    await upload("run.sh", "#!/bin/sh\necho giving up\nexit 3\n", "755");
    const restarted = await api.request("POST", "/api/sites/app/restart?wait=true");
    expect(restarted.status, restarted.text).toBe(202);
    const failed = restarted.json().operation;
    expect(failed.status).toBe("failed");
    expect(failed.error).toContain("run.sh exited with code 3");
    const listed = await api.request("GET", "/api/admin/operations?status=failed");
    expect(listed.json().operations.map((operation: { id: number }) => operation.id)).toContain(failed.id);

    await upload("run.sh", serve("/site/private"), "755");
    const retried = await api.request("POST", `/api/admin/operations/${failed.id}/retry`);
    expect(retried.status, retried.text).toBe(202);
    const finished = await api.waitForOperation(failed.id, 60_000);
    expect(finished.status, JSON.stringify(finished)).toBe("succeeded");
    expect((await until((candidate) => candidate.text === "v2 from private\n")).text).toBe("v2 from private\n");
  });

  it("deletes it: 404 through the router and the service gone", async () => {
    const deleted = await api.request("DELETE", "/api/sites/app?wait=true", { json: { confirmName: "app" } });
    expect(deleted.status, deleted.text).toBe(200);
    expect((await site()).status).toBe(404);
    expect(await serviceCount(director, siteId)).toBe(0);
  });
});

/** How many Swarm services of this installation carry this site's id label (asks the real engine). */
async function serviceCount(director: DirectorProcess, siteId: number): Promise<number> {
  const secrets = JSON.parse(await readFile(path.join(director.dataDir, "secrets.json"), "utf8"));
  const { stdout } = await promisify(execFile)("docker", [
    "service",
    "ls",
    "-q",
    "--filter",
    `label=org.director.site-id=${siteId}`,
    "--filter",
    `label=org.director.installation=${secrets.installationId}`,
  ]);
  return stdout.split("\n").filter(Boolean).length;
}
