/**
 * Attacks from inside a student's own dynamic site on a real `director up` (issue 8): each one is what a student's
 * run.sh can do in its container, and each assertion is what must hold on the host afterwards.
 *   - the deletion race: while its own site is being deleted, run.sh swaps its directories for symlinks to a canary
 *     directory outside the site and to another student's site, so that root's deletion would follow them;
 *   - a setuid program planted in the site, run on the host by other local accounts;
 *   - connections from the site's container to listeners of the host (all interfaces) and Docker's swarm port;
 *   - the workspace's file operations (issue 12) on links to a canary that run.sh makes and keeps swapping.
 */
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { httpRequest } from "@director/testing/http-request";
import { zipEntries } from "@director/testing/zip-entries";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { DirectorProcess } from "./support/director-process.js";

const password = "adversary password";
const studentPassword = "a student's password";

describe("director up: a student attacking from inside their own site", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let student: ApiSession;
  let canary: string;
  const canaryFiles = Array.from({ length: 40 }, (_, index) => `precious-${index}.txt`);

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    await director.run(["admin", "create-user", "--username", "mallory", "--role", "student"], `${studentPassword}\n`);
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    student = await ApiSession.login(director.managerUrl, "mallory", studentPassword);
    // A root-owned directory outside every site, standing for anything on the host.
    canary = await mkdtemp(path.join(tmpdir(), "director-canary-"));
    await chmod(canary, 0o755);
    for (const name of canaryFiles) await writeFile(path.join(canary, name), name);
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
    if (canary) await rm(canary, { recursive: true, force: true });
  });

  async function upload(session: ApiSession, site: string, file: string, body: string | Buffer, mode?: "755") {
    const answer = await session.request("PUT", `/api/sites/${site}/files/${file}${mode ? `?mode=${mode}` : ""}`, {
      body,
    });
    expect(answer.status, answer.text).toBe(200);
  }

  /** Reads a file of the site through the API once it exists (run.sh writes it when its work is done). */
  async function readWhenThere(session: ApiSession, site: string, file: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await session.request("GET", `/api/sites/${site}/files/${file}`);
      if (answer.status === 200) return answer.text;
      if (Date.now() > deadline) throw new Error(`${site}/${file} never appeared: ${answer.status} ${answer.text}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  async function startDynamicSite(name: string, runScript: string, extraFiles: Record<string, string | Buffer> = {}) {
    const created = await admin.request("POST", "/api/sites?wait=true", {
      json: { name, type: "dynamic", purpose: "project" },
    });
    expect(created.status, created.text).toBe(201);
    const member = await admin.request("POST", `/api/sites/${name}/members`, { json: { username: "mallory" } });
    expect(member.status, member.text).toBe(201);
    for (const [file, body] of Object.entries(extraFiles)) await upload(student, name, file, body);
    await upload(student, name, "run.sh", runScript, "755");
    const restarted = await student.request("POST", `/api/sites/${name}/restart?wait=true`);
    expect(restarted.status, restarted.text).toBe(200);
    return created.json().site.id as number;
  }

  it("deleting its own site while run.sh swaps its directories for symlinks deletes nothing outside it", async () => {
    // Another student's site, whose files the attack also aims at.
    const victim = await admin.request("POST", "/api/sites?wait=true", {
      json: { name: "victim", purpose: "project" },
    });
    expect(victim.status, victim.text).toBe(201);
    await upload(admin, "victim", "public/index.html", "the victim's page\n");
    const victimPublic = path.join(director.dataDir, "sites", String(victim.json().site.id), "public");

    // Created as the student's personal site, which the student may delete.
    const created = await student.request("POST", "/api/sites?wait=true", {
      json: { name: "mallory", type: "dynamic", purpose: "personal" },
    });
    expect(created.status, created.text).toBe(201);
    await upload(student, "mallory", "private/targets", `${canary}\n${victimPublic}\n`);
    await upload(student, "mallory", "run.sh", racingRunScript, "755");
    const restarted = await student.request("POST", "/api/sites/mallory/restart?wait=true");
    expect(restarted.status, restarted.text).toBe(200);
    expect(await readWhenThere(student, "mallory", "private/ready")).toBe("ready\n");

    const deleted = await student.request("DELETE", "/api/sites/mallory?wait=true", {
      json: { confirmName: "mallory" },
    });

    // Nothing outside the site was touched (before the fix, root deleted the links' targets)...
    expect((await readdir(canary)).sort()).toEqual([...canaryFiles].sort());
    for (const name of canaryFiles) expect(await readFile(path.join(canary, name), "utf8")).toBe(name);
    expect(await readdir(victimPublic)).toEqual(["index.html"]);
    // ...and the deletion itself succeeded (before, it also failed half-way).
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.json().operation.status).toBe("succeeded");
    const served = await httpRequest({
      url: `${director.sitesUrl}/`,
      host: `victim.sites.localhost:${director.ports.sites}`,
    });
    expect(served.text).toBe("the victim's page\n");
    // And the site itself is gone for good: its directory, its process.
    expect(await readdir(path.join(director.dataDir, "sites"))).toEqual([String(victim.json().site.id)]);
  }, 180_000);

  it("the workspace's file operations never reach outside through links run.sh makes and keeps swapping", async () => {
    const modesBefore = await Promise.all(canaryFiles.map(async (name) => (await stat(path.join(canary, name))).mode));
    await startDynamicSite("linker", linkingRunScript, { "private/target": `${canary}\n` });
    expect(await readWhenThere(student, "linker", "private/ready")).toBe("ready\n");
    const change = (file: string, json: unknown) =>
      student.request("POST", `/api/sites/linker/files/${file}`, { json });
    const refusals = [
      await change("public/secret-link", { action: "chmod", mode: "777" }),
      await change("private/out/precious-1.txt", { action: "move", to: "public/stolen.txt" }),
      await change("private/out/new", { action: "mkdir" }),
      await change("public/pipe", { action: "chmod", mode: "+x" }),
    ];
    expect(refusals.map((answer) => answer.json().error?.code)).toEqual([
      "PATH_IS_LINK",
      "PATH_IS_LINK",
      "PATH_IS_LINK",
      "PATH_INVALID",
    ]);
    // While run.sh swaps public/swap between a folder and a link to the canary: moves into it and zips of it.
    for (let round = 0; round < 40; round++) {
      await upload(student, "linker", `private/m${round}.txt`, "moved");
      await change(`private/m${round}.txt`, { action: "move", to: `public/swap/m${round}.txt` });
      expect((await student.request("GET", "/api/sites/linker/zip/public")).status).toBeLessThan(500);
    }
    const zip = await student.request("GET", "/api/sites/linker/zip");
    expect(zip.status, zip.text).toBe(200);
    const entries = await zipEntries(zip.body);
    expect(Object.keys(entries).filter((name) => name.includes("precious"))).toEqual([]);
    expect(Object.values(entries).filter((text) => text.startsWith("precious"))).toEqual([]);
    expect(entries["private/target"]).toBe(`${canary}\n`);
    // Removing the folder that holds a link removes the link, never its target.
    const removed = await student.request("DELETE", "/api/sites/linker/files/private?recursive=true");
    expect(removed.status, removed.text).toBe(204);
    expect((await readdir(canary)).sort()).toEqual([...canaryFiles].sort());
    for (const [index, name] of canaryFiles.entries()) {
      expect(await readFile(path.join(canary, name), "utf8")).toBe(name);
      expect((await stat(path.join(canary, name))).mode).toBe(modesBefore[index]);
    }
  }, 180_000);

  it("a setuid program planted in the site gives no other local account the site's identity", async () => {
    const siteId = await startDynamicSite("planter", plantingRunScript, {
      "private/idbin": await readFile("/usr/bin/id"),
      "public/index.html": "hello\n",
      "private/headers.cgi": headersCgi,
    });
    expect(await readWhenThere(student, "planter", "private/planted")).toBe("planted\n");
    const siteDir = path.join(director.dataDir, "sites", String(siteId));
    const planted = path.join(siteDir, "public", "id");

    // nobody cannot even reach the site's directory; nginx's workers (www-data) pass through it to public/ only.
    const asNobody = await runAs(65534, 65534, planted, ["-u"]);
    expect(asNobody.error).toBe("EACCES");
    const asWebServer = await runAs(33, 33, planted, ["-u"]);
    expect(asWebServer.error).toBeNull();
    // The sites directory is mounted nosuid: the file runs with the caller's own uid, never the site's.
    expect(asWebServer.stdout.trim()).toBe("33");
    // And private/ is the site's alone.
    const privateRead = await runAs(33, 33, "/bin/cat", [path.join(siteDir, "private", "planted")]);
    expect(privateRead.stdout).toBe("");
    expect(privateRead.stderr).toMatch(/Permission denied/);
  }, 120_000);

  it("a site sees the client's own address, whatever X-Forwarded-For the client sends", async () => {
    // run.sh of "planter" (above) serves public/ with CGI: the script echoes the forwarding headers it received.
    const answer = await waitForAnswer(() =>
      httpRequest({
        url: `${director.sitesUrl}/cgi-bin/headers`,
        host: `planter.sites.localhost:${director.ports.sites}`,
        headers: { "x-forwarded-for": "203.0.113.66", "x-real-ip": "203.0.113.67" },
      }),
    );
    // Replaced, not appended: a forged address never reaches the site.
    expect(answer.text).toBe("x-forwarded-for=127.0.0.1 x-real-ip=127.0.0.1\n");
  });

  it("holding 100 followed logs of its own site gets 10 (the cap per account), and closing them frees them", async () => {
    const controllers = Array.from({ length: 100 }, () => new AbortController());
    try {
      const statuses = await Promise.all(
        controllers.map((controller) =>
          fetch(`${director.managerUrl}/api/sites/planter/logs/events?tailLines=0`, {
            headers: { authorization: `Bearer ${student.token}` },
            signal: controller.signal,
          }).then(async (response) => {
            // A refusal is an ordinary JSON answer; an accepted stream stays open until aborted below, unless it
            // ends by itself (its site's process was replaced), which gives its place back to a later request.
            if (response.status !== 200) {
              const code = ((await response.json()) as { error: { code: string } }).error.code;
              return { status: response.status, code, hasEnded: false };
            }
            const answer = { status: 200, code: null, hasEnded: false };
            void response
              .text()
              .then(() => {
                answer.hasEnded = true;
              })
              .catch(() => undefined);
            return answer;
          }),
        ),
      );
      const accepted = statuses.filter((answer) => answer.status === 200);
      // Never more than 10 open at once: each accepted beyond 10 had a place that an ended stream gave back.
      expect(accepted.length).toBeGreaterThanOrEqual(10);
      expect(accepted.filter((answer) => !answer.hasEnded).length).toBeLessThanOrEqual(10);
      expect(accepted.length - 10).toBeLessThanOrEqual(accepted.filter((answer) => answer.hasEnded).length);
      const refused = statuses.filter((answer) => answer.status !== 200);
      expect(refused).toHaveLength(100 - accepted.length);
      for (const answer of refused) expect(answer).toEqual({ status: 429, code: "LOG_STREAM_LIMIT", hasEnded: false });
      // Another account is not held back by this one.
      const other = await admin.request("GET", "/api/sites/planter/logs?tailLines=1");
      expect(other.status).toBe(200);
    } finally {
      for (const controller of controllers) controller.abort();
    }
    // The places come back once the streams are closed.
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline) {
      const controller = new AbortController();
      const response = await fetch(`${director.managerUrl}/api/sites/planter/logs/events?tailLines=0`, {
        headers: { authorization: `Bearer ${student.token}` },
        signal: controller.signal,
      });
      status = response.status;
      controller.abort();
      if (status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
  });

  it("nothing on the host answers a connection from the site's container, whatever the address", async () => {
    const hits: string[] = [];
    const listener: Server = createServer((request, response) => {
      hits.push(request.socket.remoteAddress ?? "");
      response.end("host service\n");
    });
    await new Promise<void>((resolve) => listener.listen(0, "0.0.0.0", resolve));
    try {
      const port = (listener.address() as AddressInfo).port;
      const hostAddresses = Object.values(networkInterfaces())
        .flat()
        .filter((address) => address?.family === "IPv4" && !address.internal)
        .map((address) => address?.address ?? "");
      // A control first: the same probe reaches the host listener from the host itself.
      expect((await httpRequest({ url: `http://${hostAddresses[0]}:${port}/` })).text).toBe("host service\n");
      hits.length = 0;

      await startDynamicSite("prober", probingRunScript, {
        "private/probe-addresses": `${hostAddresses.join(" ")}\n`,
        "private/probe-ports": `${port} 2377\n`,
      });
      const report = await readWhenThere(student, "prober", "private/probe.txt");
      const [control, ...lines] = report.trim().split("\n");
      expect(control, report).toBe("control open");
      // The gateway of the sites network and every address of the host, on our listener and Docker's swarm port.
      expect(lines.length).toBeGreaterThanOrEqual(2 * (hostAddresses.length + 1));
      for (const line of lines) expect(line, report).toMatch(/ closed$/);
      expect(hits).toEqual([]);
    } finally {
      listener.close();
    }
  }, 120_000);
});

/** Runs `program` as uid/gid; the spawn error's code (EACCES) when it cannot even be started. */
function runAs(
  uid: number,
  gid: number,
  program: string,
  args: string[],
): Promise<{ stdout: string; stderr: string; error: string | null }> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { uid, gid, cwd: "/", stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) => resolve({ stdout, stderr, error: error.code ?? "error" }));
    child.on("close", () => resolve({ stdout, stderr, error: null }));
  });
}

/**
 * 1,200 directories of two files each in public/, then, 50 at a time and over and over, each renamed away and
 * replaced by a symlink to one of the targets, then put back. SIGTERM is ignored, so the process keeps racing
 * through Docker's whole stop grace period.
 */
const racingRunScript = `#!/bin/sh
trap '' TERM INT
cd /site/public || exit 1
first=$(sed -n 1p /site/private/targets)
second=$(sed -n 2p /site/private/targets)
i=0
while [ $i -lt 1200 ]; do mkdir d$i; echo x > d$i/a; echo y > d$i/b; i=$((i + 1)); done
echo ready > /site/private/ready
while true; do
  i=0
  while [ $i -lt 1200 ]; do
    end=$((i + 50))
    target=$first; [ $((i / 50 % 2)) = 1 ] && target=$second
    j=$i; while [ $j -lt $end ]; do mv d$j d$j.x 2>/dev/null && ln -s "$target" d$j 2>/dev/null; j=$((j + 1)); done
    j=$i; while [ $j -lt $end ]; do rm d$j 2>/dev/null; mv d$j.x d$j 2>/dev/null; j=$((j + 1)); done
    i=$end
  done
done
`;

/**
 * Links to the target named in private/target (outside the site), a FIFO, and then, without end, public/swap turned
 * from a folder into a link to the target and back.
 */
const linkingRunScript = `#!/bin/sh
trap '' TERM INT
target=$(sed -n 1p /site/private/target)
ln -s "$target" /site/private/out
ln -s "$target/precious-0.txt" /site/public/secret-link
mkfifo /site/public/pipe
mkdir -p /site/public/swap
echo ready > /site/private/ready
while true; do
  mv /site/public/swap /site/public/swap.x 2>/dev/null && ln -s "$target" /site/public/swap 2>/dev/null
  rm /site/public/swap 2>/dev/null; mv /site/public/swap.x /site/public/swap 2>/dev/null
done
`;

/**
 * Copies a program the student uploaded into public/ and makes it setuid (its own file: no privilege needed); then
 * serves public/, with a CGI script that shows the forwarding headers the site receives.
 */
const plantingRunScript = `#!/bin/sh
mkdir -p /site/public/cgi-bin && cp /site/private/headers.cgi /site/public/cgi-bin/headers && chmod 755 /site/public/cgi-bin/headers
cp /site/private/idbin /site/public/id && chmod 4755 /site/public/id && echo planted > /site/private/planted
exec httpd -f -p "$PORT" -h /site/public
`;

const headersCgi = `#!/bin/sh
printf 'Content-Type: text/plain\\r\\n\\r\\n'
echo "x-forwarded-for=$HTTP_X_FORWARDED_FOR x-real-ip=$HTTP_X_REAL_IP"
`;

/** Retries a request to a site until it answers 200 (the balancer follows a new task within a second or two). */
async function waitForAnswer(send: () => ReturnType<typeof httpRequest>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await send();
    if (answer.status === 200 || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Tries a TCP connection to the gateway and every listed host address on every listed port; writes the outcome. The
 * first line is a control: its own server, which a working probe reaches.
 */
const probingRunScript = `#!/bin/sh
httpd -p "$PORT" -h /site/public
sleep 1
if echo | nc -w 3 127.0.0.1 "$PORT" >/dev/null 2>&1; then echo "control open"; else echo "control closed"; fi > /site/private/probe.tmp
gateway=$(ip route | awk '/^default/ { print $3 }')
for address in $gateway $(cat /site/private/probe-addresses); do
  for port in $(cat /site/private/probe-ports); do
    if echo | nc -w 3 "$address" "$port" >/dev/null 2>&1; then echo "$address:$port open"; else echo "$address:$port closed"; fi
  done
done >> /site/private/probe.tmp
mv /site/private/probe.tmp /site/private/probe.txt
exec sleep 2147483647
`;
