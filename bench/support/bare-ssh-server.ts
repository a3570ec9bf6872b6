/**
 * The baseline of bench/ssh: a bare ssh2 server, run as its own process (as `director up` is), with the host keys
 * given (Director's own, so that both negotiate the same algorithms). It accepts any public key whose signature checks
 * out, without asking anyone; a shell echoes its input back (no pty, no program); a command exits 0 at once. What
 * remains between it and Director's shell server is Director's work: the manager's key lookup and login, the channel
 * through the manager and the orchestrator, `docker exec`.
 *
 *   node --import tsx bench/support/bare-ssh-server.ts <host key file>...   (prints `listening <port>`)
 */
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { ssh2 } from "@director/host/ssh2-library";
import type { Connection } from "ssh2";

const hostKeys = await Promise.all(process.argv.slice(2).map((file) => readFile(file, "utf8")));

/** BARE_SSH_NO_DELAY=1: TCP_NODELAY on every connection (ssh2 leaves Nagle's algorithm on, as Node's sockets are). */
const isNoDelay = process.env.BARE_SSH_NO_DELAY === "1";

function serve(client: Connection): void {
  // ssh2's server Connection has setNoDelay (lib/server.js); @types/ssh2 lists it on the client only.
  if (isNoDelay) (client as unknown as { setNoDelay(noDelay: boolean): void }).setNoDelay(true);
  client.on("error", () => undefined); // a client that ends at once: nothing to report here
  client.on("authentication", (ctx) => {
    if (ctx.method !== "publickey") return ctx.reject(["publickey"]);
    const parsed = ssh2.utils.parseKey(ctx.key.data);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key === undefined || key instanceof Error) return ctx.reject();
    if (ctx.signature === undefined) return ctx.accept(); // the client asks whether this key would do
    if (ctx.blob !== undefined && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
    ctx.reject();
  });
  client.on("ready", () => {
    client.on("session", (accept) => {
      const session = accept();
      session.on("pty", (acceptPty) => acceptPty?.());
      session.on("env", (acceptEnv) => acceptEnv?.());
      session.on("shell", (acceptShell) => {
        const channel = acceptShell();
        channel.on("data", (chunk: Buffer) => channel.write(chunk));
      });
      session.on("exec", (acceptExec) => {
        const channel = acceptExec();
        channel.exit(0);
        channel.end();
      });
    });
  });
}

const server = new ssh2.Server({ hostKeys, ident: "bare" }, serve);
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => process.exit(0));
