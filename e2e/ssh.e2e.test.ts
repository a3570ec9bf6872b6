/**
 * The shell server under `director up`, with Debian's OpenSSH client: keys and passwords, the site picker, commands
 * and their exit status, a terminal's size and its changes, sftp and scp confined to the site, and every refusal.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@director/testing/free-port";
import { httpRequest } from "@director/testing/http-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiSession } from "./support/api.js";
import { ComponentProcess } from "./support/component-process.js";
import { DirectorProcess } from "./support/director-process.js";
import { type ClientKey, runClient, SshClientHome } from "./support/openssh.js";

const password = "correct horse battery staple";
const ptySession = path.join(path.dirname(fileURLToPath(import.meta.url)), "support", "pty-session.py");

describe("director up: SSH, SFTP and scp into a site", () => {
  let director: DirectorProcess;
  let admin: ApiSession;
  let ann: ApiSession;
  let eve: ApiSession;
  let home: SshClientHome;
  let annKey: ClientKey;
  let eveKey: ClientKey;
  let strayKey: ClientKey;

  beforeAll(async () => {
    director = await DirectorProcess.create();
    await director.start();
    await director.run(["admin", "create-user", "--username", "admin", "--superuser"], `${password}\n`);
    for (const username of ["ann", "eve", "dan"]) {
      await director.run(["admin", "create-user", "--username", username], `${password}\n`);
    }
    admin = await ApiSession.login(director.managerUrl, "admin", password);
    ann = await ApiSession.login(director.managerUrl, "ann", password);
    eve = await ApiSession.login(director.managerUrl, "eve", password);
    for (const name of ["notes", "blog", "gone"]) {
      const created = await admin.request("POST", "/api/sites?wait=true", { json: { name, type: "static" } });
      expect(created.status, created.text).toBe(201);
      for (const username of name === "blog" ? ["ann", "dan"] : ["ann"]) {
        const added = await admin.request("POST", `/api/sites/${name}/members`, { json: { username } });
        expect(added.status, added.text).toBe(201);
      }
    }
    home = await SshClientHome.create();
    [annKey, eveKey, strayKey] = await Promise.all([
      home.makeKey("ann"),
      home.makeKey("eve", "ecdsa"),
      home.makeKey("stray"),
    ]);
    for (const [who, key] of [
      [ann, annKey],
      [eve, eveKey],
    ] as const) {
      const added = await who.request("POST", "/api/account/ssh-keys", {
        json: { label: "laptop", publicKey: key.publicKey },
      });
      expect(added.status, added.text).toBe(201);
    }
  });

  afterAll(async () => {
    await director?.stop();
    await director?.removeDockerObjects();
    if (director) await rm(director.dataDir, { recursive: true, force: true });
    if (home) await rm(home.dir, { recursive: true, force: true });
  });

  const target = (login: string) => [`-p`, String(director.ports.ssh), `${login}@127.0.0.1`];
  /** Runs an sftp batch file as ann in her site notes. */
  const sftpBatch = (batch: string) =>
    runClient("sftp", [
      ...home.keyOptions(annKey),
      "-P",
      String(director.ports.ssh),
      "-b",
      batch,
      "ann+notes@127.0.0.1",
    ]);
  const ssh = (key: ClientKey, login: string, command: string, input?: string) =>
    runClient("ssh", [...home.keyOptions(key), ...target(login), command], input === undefined ? {} : { input });

  it("runs a command in the site named in the user name, passing its output, errors and exit status", async () => {
    const hi = await ssh(annKey, "ann+notes", "echo hi; echo oops >&2; pwd");
    expect(hi).toMatchObject({ status: 0, stdout: "hi\n/site\n", stderr: "oops\n" });
    expect((await ssh(annKey, "ann+notes", "exit 3")).status).toBe(3);
    // Input reaches the command and its end ends the command's input.
    expect((await ssh(annKey, "ann+notes", "wc -c", "12345")).stdout.trim()).toBe("5");
    // The site's own account, never root.
    expect(Number((await ssh(annKey, "ann+notes", "id -u")).stdout)).toBeGreaterThan(0);
    // With -t the command gets a terminal of its own.
    const withTty = await runClient("ssh", ["-tt", ...home.keyOptions(annKey), ...target("ann+notes"), "tty; exit 4"]);
    expect(withTty.stdout).toMatch(/^\/dev\/pts\/\d+\r?\n/);
    expect(withTty.status).toBe(4);
  });

  it("shows the host keys' fingerprints that ssh saw, in the API", async () => {
    const info = await ann.request("GET", "/api/ssh");
    expect(info.status, info.text).toBe(200);
    expect(info.json()).toMatchObject({ isAvailable: true, port: director.ports.ssh, siteSeparator: "+" });
    const listed = await runClient("ssh-keygen", ["-l", "-f", home.knownHosts]);
    const seen = listed.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" ")[1]);
    expect(seen.length).toBeGreaterThan(0);
    const shown = info.json().hostKeys.map((key: { fingerprint: string }) => key.fingerprint);
    for (const fingerprint of seen) expect(shown).toContain(fingerprint);
  });

  it("puts a file with sftp that the site then serves, and copies both ways with scp", async () => {
    const local = await home.writeFile("index.html", "<h1>from sftp</h1>\n");
    const batch = await home.writeFile("batch", `cd public\nput ${local}\n`);
    const put = await sftpBatch(batch);
    expect(put.status, put.stderr).toBe(0);
    const served = await httpRequest({
      url: `${director.sitesUrl}/`,
      host: `notes.sites.localhost:${director.ports.sites}`,
    });
    expect(served).toMatchObject({ status: 200, text: "<h1>from sftp</h1>\n" });

    const up = await home.writeFile("up.txt", "scp up\n");
    const scpOptions = [...home.keyOptions(annKey), "-P", String(director.ports.ssh)];
    const sent = await runClient("scp", [...scpOptions, up, "ann+notes@127.0.0.1:public/up.txt"]);
    expect(sent.status, sent.stderr).toBe(0);
    expect((await ssh(annKey, "ann+notes", "cat public/up.txt")).stdout).toBe("scp up\n");
    const back = path.join(home.dir, "back.txt");
    const fetched = await runClient("scp", [...scpOptions, "ann+notes@127.0.0.1:public/up.txt", back]);
    expect(fetched.status, fetched.stderr).toBe(0);
    expect(await readFile(back, "utf8")).toBe("scp up\n");
  });

  it("keeps sftp inside the site: no host file, no other site, not through a symlink", async () => {
    const marker = path.join(director.dataDir, "host-secret.txt");
    await writeFile(marker, "host secret\n");
    // Made by the site's own account, pointing at the host's file and at the other site's directory.
    const linked = await ssh(
      annKey,
      "ann+notes",
      `ln -s ${marker} public/leak && ln -s ../../blog public/other; echo ok`,
    );
    expect(linked.stdout).toBe("ok\n");
    const getAll = async (remote: string) => {
      const batch = await home.writeFile("get-batch", `get ${remote} ${path.join(home.dir, "got")}\n`);
      await rm(path.join(home.dir, "got"), { force: true });
      return sftpBatch(batch);
    };
    for (const remote of [
      marker,
      "public/leak",
      "/etc/shadow",
      `../../../../../..${marker}`,
      "public/other/public/index.html",
    ]) {
      const got = await getAll(remote);
      expect(got.status, `${remote}: ${got.stdout}`).not.toBe(0);
    }
    const listing = await home.writeFile("ls-batch", "ls -a /\n");
    const root = await sftpBatch(listing);
    expect(root.status, root.stderr).toBe(0);
    // Only the site and the sftp server's own read-only files: nothing of the host, no other site.
    expect(root.stdout).toContain("/site");
    expect(root.stdout).not.toMatch(/\/(home|root|var|srv|data)\b/);
  });

  it("asks which site when none is named, and passes the terminal's size and its changes", async () => {
    const script = [
      { wait: "Open which site" },
      { send: "notes\r" },
      { send: "echo READY-$((20+22)); stty size\r" },
      { wait: "READY-42" },
      { resize: [40, 120] },
      { send: "stty size; exit 7\r" },
    ];
    const run = await runClient("python3", [
      ptySession,
      "30",
      "100",
      JSON.stringify(script),
      "--",
      "ssh",
      "-tt",
      ...home.keyOptions(annKey),
      ...target("ann"),
    ]);
    expect(run.stdout).toContain("Your sites:");
    expect(run.stdout).toMatch(/\d\) blog \(static\)/);
    expect(run.stdout).toContain("30 100");
    expect(run.stdout).toContain("40 120");
    expect(run.status, run.stdout).toBe(7);
  });

  it("logs in with a local account's password", async () => {
    const run = await runClient(
      "sshpass",
      ["-e", "ssh", ...home.passwordOptions(), ...target("ann+notes"), "echo by-password"],
      {
        env: { SSHPASS: password },
      },
    );
    expect(run).toMatchObject({ status: 0, stdout: "by-password\n" });
  });

  it("refuses a wrong password, a key that is not the person's, and another person's site", async () => {
    const wrong = await runClient("sshpass", ["-e", "ssh", ...home.passwordOptions(), ...target("ann+notes"), "true"], {
      env: { SSHPASS: "not the password" },
    });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toBe("");
    const stray = await ssh(strayKey, "ann+notes", "echo in");
    expect(stray.status).toBe(255);
    expect(stray.stderr).toContain("Permission denied");
    const borrowed = await ssh(eveKey, "ann+notes", "echo in");
    expect(borrowed.status).toBe(255);
    expect(borrowed.stdout).toBe("");
    const foreign = await ssh(eveKey, "eve+notes", "echo in");
    expect(foreign).toMatchObject({ status: 255, stdout: "" });
    expect(foreign.stderr).toContain('no site named "notes"');
    const audit = await admin.request("GET", "/api/admin/audit?action=auth.login_failed");
    expect(audit.text).toContain("ssh-password");
  });

  it("forwards nothing: no tunnel to the machine's own ports, no remote listener", async () => {
    // -W asks the server to connect to a port for us (a direct-tcpip channel): here the manager's own port.
    const tunnel = await runClient("ssh", [
      ...home.keyOptions(annKey),
      "-W",
      `127.0.0.1:${director.ports.manager}`,
      ...target("ann+notes"),
    ]);
    expect(tunnel.status).toBe(255);
    expect(tunnel.stdout).toBe("");
    const listener = await runClient("ssh", [
      ...home.keyOptions(annKey),
      "-o",
      "ExitOnForwardFailure=yes",
      "-R",
      "0:127.0.0.1:9",
      ...target("ann+notes"),
      "echo should-not-run",
    ]);
    expect(listener.status).toBe(255);
    expect(listener.stdout).toBe("");
  });

  it("refuses a disabled site and a disabled account with a message", async () => {
    const disabled = await admin.request("PUT", "/api/sites/gone/availability?wait=true", {
      json: { availability: "disabled" },
    });
    expect(disabled.status, disabled.text).toBe(200);
    const site = await ssh(annKey, "ann+gone", "echo in");
    expect(site).toMatchObject({ status: 255, stdout: "" });
    expect(site.stderr.length).toBeGreaterThan(0);

    const danKey = await home.makeKey("dan");
    const dan = await ApiSession.login(director.managerUrl, "dan", password);
    expect(
      (await dan.request("POST", "/api/account/ssh-keys", { json: { label: "k", publicKey: danKey.publicKey } }))
        .status,
    ).toBe(201);
    expect((await ssh(danKey, "dan+blog", "echo in")).stdout).toBe("in\n");
    const off = await admin.request("PATCH", "/api/admin/users/dan", { json: { isActive: false } });
    expect(off.status, off.text).toBe(200);
    const account = await ssh(danKey, "dan+blog", "echo in");
    expect(account).toMatchObject({ status: 255, stdout: "" });
    expect(account.stderr).toContain("disabled");
  });

  it("runs as a process of its own with `director shell`, on the same manager", async () => {
    const secrets = JSON.parse(await readFile(path.join(director.dataDir, "secrets.json"), "utf8"));
    const port = await freePort();
    const probePort = await freePort();
    const metricsToken = "m".repeat(24);
    const shell = await ComponentProcess.start("shell", {
      DIRECTOR_MANAGER_URL: director.managerUrl,
      DIRECTOR_SHELL_TOKEN: secrets.shellToken,
      DIRECTOR_SHELL_HOST: "127.0.0.1",
      DIRECTOR_SHELL_PORT: String(port),
      DIRECTOR_SHELL_HOST_KEYS_DIR: path.join(home.dir, "standalone-host-keys"),
      DIRECTOR_SHELL_PROBE_PORT: String(probePort),
      DIRECTOR_METRICS_TOKEN: metricsToken,
    });
    try {
      const run = () =>
        runClient("ssh", [...home.keyOptions(annKey), "-p", String(port), "ann+notes@127.0.0.1", "echo standalone"]);
      await waitFor(async () => (await run()).stdout === "standalone\n", 30_000);
      // its probes: ready (listening, the manager answering), and the login counted in its metrics
      const ready = await httpRequest({ url: `http://127.0.0.1:${probePort}/readyz` });
      expect([ready.status, ready.json().checks]).toEqual([200, { ssh: { ok: true }, manager: { ok: true } }]);
      const metrics = await httpRequest({
        url: `http://127.0.0.1:${probePort}/metrics`,
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(metrics.text).toMatch(/^director_shell_logins_total [1-9]/m);
      // Without the manager's token it logs nobody in.
      const wrongToken = await ComponentProcess.start("shell", {
        DIRECTOR_MANAGER_URL: director.managerUrl,
        DIRECTOR_SHELL_TOKEN: "w".repeat(40),
        DIRECTOR_SHELL_HOST: "127.0.0.1",
        DIRECTOR_SHELL_PORT: String(port + 1),
        DIRECTOR_SHELL_HOST_KEYS_DIR: path.join(home.dir, "standalone-host-keys"),
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const refused = await runClient("ssh", [
          ...home.keyOptions(annKey),
          "-p",
          String(port + 1),
          "ann+notes@127.0.0.1",
          "echo in",
        ]);
        expect(refused).toMatchObject({ status: 255, stdout: "" });
      } finally {
        await wrongToken.stop();
      }
    } finally {
      await shell.stop();
    }
  });

  it("ends an open session when the person is removed from the site", async () => {
    const started = Date.now();
    const session = ssh(annKey, "ann+blog", "echo started; sleep 60; echo finished");
    // The session is open once its first line arrived; then the member is removed.
    await waitFor(async () => (await ssh(annKey, "ann+blog", "echo probe")).stdout === "probe\n");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const removed = await admin.request("DELETE", "/api/sites/blog/members/ann");
    expect(removed.status, removed.text).toBe(200);
    const ended = await session;
    expect(ended.stdout).toBe("started\n");
    expect(ended.status).toBe(255);
    expect(ended.stderr).toContain("no longer have access");
    expect(Date.now() - started).toBeLessThan(40_000);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
