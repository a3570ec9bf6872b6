import { useQuery } from "@tanstack/react-query";
import { CopyCommand } from "../../components/copy-command";
import { ErrorBanner, Loading } from "../../components/ui";
import { useApiQueries } from "../../hooks";
import { sftpCommand, sshCommand } from "../../lib/ssh-command";

/**
 * How to connect with SSH: the commands for a site (the shell server asks for the site when none is named) and the
 * host keys' fingerprints to compare with what `ssh` shows at the first connection. Before the shell server has
 * started, says so.
 */
export function SshConnect({ username }: { username: string }) {
  const loaded = useQuery(useApiQueries().sshInfo());
  const info = loaded.data;
  return (
    <section className="card" aria-labelledby="ssh-connect">
      <h2 id="ssh-connect">Connect with SSH</h2>
      {loaded.isPending ? <Loading what="the shell server's address" /> : null}
      <ErrorBanner error={loaded.error} />
      {info && !info.isAvailable ? (
        <p className="banner banner-info" role="status" data-notice="ssh-unavailable">
          The shell server has not started yet, so SSH is not available. Your keys are kept and will work once it runs.
        </p>
      ) : null}
      {info?.isAvailable ? (
        <>
          <p className="small">
            Replace <code>SITE</code> with one of your sites&apos; names, or leave out{" "}
            <code>{info.siteSeparator}SITE</code> to choose the site after logging in.
          </p>
          <dl className="facts">
            <dt>Shell</dt>
            <dd>
              <CopyCommand label="SSH command" command={sshCommand(info, username, "SITE")} />
            </dd>
            <dt>Files</dt>
            <dd>
              <CopyCommand label="SFTP command" command={sftpCommand(info, username, "SITE")} />
            </dd>
          </dl>
          <h3 className="subhead">Host keys</h3>
          <p className="small">
            The first time you connect, <code>ssh</code> shows the server&apos;s fingerprint and asks whether to trust
            it: go on only if it is one of these.
          </p>
          <ul className="members" aria-label="Host key fingerprints">
            {info.hostKeys.map((key) => (
              <li key={key.fingerprint}>
                <span>
                  <span className="muted small block">{key.algorithm}</span>
                  <code className="small fingerprint">{key.fingerprint}</code>
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
