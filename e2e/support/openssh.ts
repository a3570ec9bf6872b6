/**
 * Debian's OpenSSH client (ssh, sftp, scp, ssh-keygen, sshpass) driven against `director up`'s shell server, each
 * run bounded in time. Host keys go to a known_hosts file of the test's own, trusted on first use like a person would.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface ClientRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one client command; `input` is written to its stdin, which is then closed. */
export function runClient(
  command: string,
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    // A client refused at once (a disabled site, a wrong key) may exit before it reads its input: that EPIPE is the
    // refusal the test checks through the exit status and stderr, not an error of its own.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** A key pair made with ssh-keygen; `publicKey` is the .pub file's line. */
export interface ClientKey {
  privatePath: string;
  publicKey: string;
}

/** A folder for one test's keys, known_hosts and files. */
export class SshClientHome {
  private constructor(readonly dir: string) {}

  static async create(): Promise<SshClientHome> {
    return new SshClientHome(await mkdtemp(path.join(tmpdir(), "director-ssh-client-")));
  }

  get knownHosts(): string {
    return path.join(this.dir, "known_hosts");
  }

  async makeKey(name: string, type: "ed25519" | "ecdsa" | "rsa" = "ed25519"): Promise<ClientKey> {
    const privatePath = path.join(this.dir, name);
    const made = await runClient("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", name, "-f", privatePath]);
    if (made.status !== 0) throw new Error(`ssh-keygen: ${made.stderr}`);
    return { privatePath, publicKey: (await readFile(`${privatePath}.pub`, "utf8")).trim() };
  }

  async writeFile(name: string, content: string): Promise<string> {
    const file = path.join(this.dir, name);
    await writeFile(file, content);
    return file;
  }

  /** Options every client here gets: this home's known_hosts, no agent, no config of the machine, short timeouts. */
  commonOptions(): string[] {
    return [
      "-F",
      "/dev/null",
      "-o",
      `UserKnownHostsFile=${this.knownHosts}`,
      "-o",
      "StrictHostKeyChecking=accept-new",
      "-o",
      "ConnectTimeout=20",
      "-o",
      "LogLevel=ERROR",
      "-o",
      "IdentityAgent=none",
    ];
  }

  /** Options to log in with `key` only. */
  keyOptions(key: ClientKey): string[] {
    return [
      ...this.commonOptions(),
      "-o",
      "BatchMode=yes",
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "PreferredAuthentications=publickey",
      "-i",
      key.privatePath,
    ];
  }

  /** Options to log in with a password only (given by sshpass). */
  passwordOptions(): string[] {
    return [
      ...this.commonOptions(),
      "-o",
      "PreferredAuthentications=password",
      "-o",
      "PubkeyAuthentication=no",
      "-o",
      "NumberOfPasswordPrompts=1",
    ];
  }
}
