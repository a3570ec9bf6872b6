/**
 * One SSH session channel of a logged-in connection: a terminal request (pty) and its size, then a shell, a command
 * (`exec`) or the sftp subsystem. The site is the one in the user name (`alice+blog`), else the picker asks (a shell
 * with a terminal only). Each program runs through the manager's channel socket; refusals and failures reach the
 * person as one line on stderr and exit status 255.
 */
import { terminalSizeBounds } from "@director/contracts/manager-workspace";
import type { TerminalProgram } from "@director/contracts/orchestrator-terminals";
import { isDirectorError } from "@director/domain/errors";
import type { Logger } from "pino";
import type { PseudoTtyInfo, ServerChannel, Session } from "ssh2";
import type { ShellManager } from "../adapters/manager-shell-api.js";
import { type BridgedChannel, bridgeChannel, failedExitStatus } from "./channel-bridge.js";
import { pickSite } from "./site-picker.js";
import type { SshLogin } from "./ssh-login.js";

export interface SshSessionDeps {
  manager: ShellManager;
  login: SshLogin;
  /** how the person names a site, for messages (`alice+SITE@host`) */
  siteHint: string;
  log: Logger;
}

/** Handles the requests of one session channel. */
export function serveSession(session: Session, deps: SshSessionDeps): void {
  let size = { cols: 80, rows: 24 };
  let hasTty = false;
  let bridged: BridgedChannel | null = null;
  let isStarted = false;

  session.on("pty", (accept, _reject, info: PseudoTtyInfo) => {
    hasTty = true;
    size = sizeOf(info.cols, info.rows);
    accept?.();
  });
  session.on("window-change", (accept, _reject, info) => {
    size = sizeOf(info.cols, info.rows);
    bridged?.resize(size.cols, size.rows);
    accept?.();
  });
  // Variables of the client (LANG, TERM) are not passed: the site's own environment is what runs.
  session.on("env", (accept) => accept?.());
  const start = (channel: ServerChannel, program: TerminalProgram) => {
    isStarted = true;
    void run(channel, program).catch((error: unknown) => {
      deps.log.warn({ err: error }, "an SSH session failed");
      finish(channel, "The session failed; try again.");
    });
  };
  session.on("shell", (accept, reject) => {
    if (isStarted) return reject?.();
    start(accept(), { kind: "shell" });
  });
  session.on("exec", (accept, reject, info) => {
    if (isStarted) return reject?.();
    start(accept(), { kind: "command", command: info.command });
  });
  session.on("subsystem", (accept, reject, info) => {
    if (isStarted || info.name !== "sftp") return reject?.();
    hasTty = false;
    start(accept(), { kind: "sftp" });
  });

  async function run(channel: ServerChannel, program: TerminalProgram): Promise<void> {
    const { login, manager } = deps;
    if (login.token === null) return finish(channel, login.refusal ?? "This login was refused.");
    let site = login.name.site;
    if (site === null) {
      if (program.kind !== "shell" || !hasTty) {
        return finish(channel, `Name the site in the user name: ssh ${deps.siteHint}`);
      }
      const sites = await manager.sites(login.token).catch((error: unknown) => refusalOf(error));
      if (typeof sites === "string") return finish(channel, sites);
      if (sites.length === 0) return finish(channel, "You have no sites yet: ask for one in the web interface.");
      site = await pickSite(channel, sites);
      if (site === null) return finish(channel, null);
    }
    const opened = await manager
      .openChannel(login.token, site, { type: "open", cols: size.cols, rows: size.rows, program, hasTty })
      .catch((error: unknown) => refusalOf(error));
    if (typeof opened === "string") return finish(channel, opened);
    const bridge = bridgeChannel(channel, opened, { hasTty });
    bridged = bridge.bridged;
    await bridge.ended;
  }

  function refusalOf(error: unknown): string {
    if (isDirectorError(error) && error.kind === "user") return error.message;
    deps.log.warn({ err: error }, "the manager did not open an SSH channel");
    return "Director's shell service is not answering; try again in a minute.";
  }
}

/** Ends a channel that never reached a program: the reason on stderr, then exit status 255 (none: 0). */
function finish(channel: ServerChannel, reason: string | null): void {
  if (channel.destroyed) return;
  if (reason !== null) channel.stderr.write(`${reason}\r\n`);
  channel.exit(reason === null ? 0 : failedExitStatus);
  channel.end();
}

function sizeOf(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (value: number, bounds: { min: number; max: number }, fallback: number) =>
    Number.isInteger(value) && value > 0 ? Math.min(bounds.max, Math.max(bounds.min, value)) : fallback;
  return { cols: clamp(cols, terminalSizeBounds.cols, 80), rows: clamp(rows, terminalSizeBounds.rows, 24) };
}
