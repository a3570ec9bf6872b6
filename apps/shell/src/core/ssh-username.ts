/**
 * The user name an SSH client sends: `alice`, or `alice+blog` to go straight to the site `blog`
 * (sshSiteSeparator). Only split here; both parts are checked by the manager, which knows the accounts and sites.
 */
import { sshSiteSeparator } from "@director/contracts/manager-routes-ssh";

export interface SshLoginName {
  username: string;
  /** the site named after the separator; null: the picker asks */
  site: string | null;
}

export function parseSshLoginName(raw: string): SshLoginName {
  const at = raw.indexOf(sshSiteSeparator);
  if (at < 0) return { username: raw, site: null };
  const site = raw.slice(at + sshSiteSeparator.length);
  return { username: raw.slice(0, at), site: site === "" ? null : site };
}
