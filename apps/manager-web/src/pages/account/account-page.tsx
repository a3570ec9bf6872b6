import { managerPaths } from "@director/contracts/manager-paths";
import { Time } from "../../components/ui";
import { useSession } from "../../hooks";
import { SshConnect } from "./ssh-connect";
import { SshKeys } from "./ssh-keys";

/** The person's own page: who they are here, their SSH keys, and how to connect with SSH. */
export function AccountPage() {
  const { user } = useSession();
  return (
    <>
      <h1>Account</h1>
      <section className="card" aria-labelledby="account-about">
        <h2 id="account-about">You</h2>
        <dl className="facts">
          <dt>Username</dt>
          <dd>{user.username}</dd>
          <dt>Name</dt>
          <dd>{user.displayName || <span className="muted">—</span>}</dd>
          <dt>Email</dt>
          <dd>{user.email || <span className="muted">—</span>}</dd>
          <dt>Last login</dt>
          <dd>
            <Time iso={user.lastLoginAt} />
          </dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="account-archive">
        <h2 id="account-archive">Your sites, in one zip</h2>
        <p>
          Every site you are a member of: its files, and its database as a dump. Keep it as a backup, or take your work
          with you when you leave the school.
        </p>
        <a className="button" href={managerPaths.account.archive.path} download>
          Download all your sites
        </a>
      </section>
      <SshKeys />
      <SshConnect username={user.username} />
    </>
  );
}
