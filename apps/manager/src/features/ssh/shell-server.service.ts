import type { SshInfo } from "@director/contracts/manager-routes-ssh";
import { sshSiteSeparator } from "@director/contracts/manager-routes-ssh";
import type { ShellServerReportRepository } from "@director/db/shell-server-report.repository";
import type { ShellHostKey } from "@director/domain/ssh-key";

export interface ShellServerServiceDeps {
  reports: Pick<ShellServerReportRepository, "save" | "find">;
  /** the host people connect to: DIRECTOR_PUBLIC_HOST; null when unset (then the host the caller reached us by) */
  publicHost: string | null;
  now?: () => Date;
}

/** A host name as it may be shown in a command: letters, digits, dots, hyphens (or an IPv6 literal's characters). */
const showableHost = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])$/;

/**
 * What people need to connect with SSH: the shell server reports its host keys and port when it starts (the last
 * report replaces the earlier ones), and the web interface shows them with the host to connect to.
 */
export class ShellServerService {
  readonly #deps: ShellServerServiceDeps;

  constructor(deps: ShellServerServiceDeps) {
    this.#deps = deps;
  }

  /** Stores the shell server's report, replacing the previous one. */
  async report(input: { keys: ShellHostKey[]; port: number }): Promise<void> {
    await this.#deps.reports.save({
      hostKeys: input.keys.map(({ algorithm, fingerprint }) => ({ algorithm, fingerprint })),
      port: input.port,
      reportedAt: (this.#deps.now ?? (() => new Date()))(),
    });
  }

  /**
   * Where to connect. `host` is DIRECTOR_PUBLIC_HOST when set; otherwise `requestHost` (the host name the caller
   * reached the manager by, without its port) when it looks like a host name, else "localhost". Available once the
   * shell server has reported.
   */
  async info(requestHost?: string): Promise<SshInfo> {
    const report = await this.#deps.reports.find();
    return {
      isAvailable: report !== null,
      host: this.#deps.publicHost ?? (requestHost && showableHost.test(requestHost) ? requestHost : "localhost"),
      port: report?.port ?? null,
      siteSeparator: sshSiteSeparator,
      hostKeys: report?.hostKeys ?? [],
    };
  }
}
