/** The commands people type to reach a site over SSH, from what GET /api/ssh says. */
import type { SshInfo } from "../api/types";

/** `user+site` (the shell server's separator), or the username alone when no site is named (a site picker). */
export function sshUser(info: Pick<SshInfo, "siteSeparator">, username: string, site: string | null): string {
  return site === null ? username : `${username}${info.siteSeparator}${site}`;
}

/** `ssh [-p PORT] user+site@host`; the port is left out when it is SSH's own (22). */
export function sshCommand(
  info: Pick<SshInfo, "host" | "port" | "siteSeparator">,
  username: string,
  site: string | null,
) {
  const port = info.port === null || info.port === 22 ? "" : `-p ${info.port} `;
  return `ssh ${port}${sshUser(info, username, site)}@${info.host}`;
}

/** `sftp [-P PORT] user+site@host` (sftp spells the port option with a capital P). */
export function sftpCommand(
  info: Pick<SshInfo, "host" | "port" | "siteSeparator">,
  username: string,
  site: string | null,
) {
  const port = info.port === null || info.port === 22 ? "" : `-P ${info.port} `;
  return `sftp ${port}${sshUser(info, username, site)}@${info.host}`;
}
