import { type FormEvent, useEffect, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { SiteMemberView, SiteView } from "../../api/types";
import { ErrorBanner, Field } from "../../components/ui";
import { useAction, useApi, useAsync, useSession } from "../../hooks";

/**
 * The site's members with their names; members add (an unknown username is invited) and remove them. The list is
 * read again when the site's revision grows (a member added in another tab or by an administrator).
 */
export function SiteMembers({ site, canEdit }: { site: SiteView; canEdit: boolean }) {
  const api = useApi();
  const { user } = useSession();
  const [loaded] = useAsync(() => api.members.list(site.name), [site.name, site.revision]);
  /** until the list with names arrives, the usernames the site came with */
  const [members, setMembers] = useState<SiteMemberView[] | null>(null);
  useEffect(() => setMembers(loaded.value?.members ?? null), [loaded.value]);
  const [username, setUsername] = useState("");
  const { error, isBusy, run } = useAction();
  const fields = fieldErrorsOf(error);
  const usernames = members?.map((member) => member.username) ?? site.members;
  // Only an administrator may leave a site without members (the API answers SITE_NEEDS_A_MEMBER otherwise).
  const canRemove = canEdit && (usernames.length > 1 || user.isSuperuser);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      setMembers((await api.members.add(site.name, username.trim())).members);
      setUsername("");
    });
  };

  const remove = async (member: string) => {
    if (!window.confirm(`Remove ${member} from ${site.name}?`)) return;
    await run(async () => setMembers((await api.members.remove(site.name, member)).members));
  };

  const byUsername = new Map(members?.map((member) => [member.username, member]));
  return (
    <section className="card" aria-labelledby="site-members">
      <h2 id="site-members">Members</h2>
      <ul className="members">
        {usernames.map((member) => {
          const details = byUsername.get(member);
          return (
            <li key={member}>
              <span>
                <span>{member}</span>
                {details?.displayName && details.displayName !== member ? (
                  <span className="muted small"> · {details.displayName}</span>
                ) : null}
                {details?.isInvited ? <span className="muted small"> · invited</span> : null}
              </span>
              {canRemove ? (
                <button
                  type="button"
                  className="link-button danger"
                  onClick={() => void remove(member)}
                  disabled={isBusy}
                  aria-label={`Remove ${member}`}
                >
                  Remove
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      <ErrorBanner error={loaded.error ?? formLevelError(error, ["username"])} />
      {canEdit ? (
        <form className="inline-form" onSubmit={add}>
          <Field
            label="Add a member by username"
            error={fields.username}
            hint="Someone who has not logged in yet is invited."
          >
            {({ id, describedBy, isInvalid }) => (
              <input
                id={id}
                value={username}
                required
                autoCapitalize="none"
                spellCheck={false}
                onChange={(event) => setUsername(event.target.value)}
                aria-describedby={describedBy}
                aria-invalid={isInvalid}
              />
            )}
          </Field>
          <button type="submit" className="button" disabled={isBusy || username.trim() === ""}>
            Add
          </button>
        </form>
      ) : null}
    </section>
  );
}
