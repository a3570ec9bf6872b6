import { type FormEvent, useState } from "react";
import type { SiteView } from "../../api/core";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import { ErrorBanner, Field } from "../../components/ui";
import { useApi } from "../../hooks";

/** The site's members; adding and removing them needs the members routes (flow branch). */
export function SiteMembers({ site, canEdit }: { site: SiteView; canEdit: boolean }) {
  const api = useApi();
  const [members, setMembers] = useState(site.members);
  const [username, setUsername] = useState("");
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrorsOf(error);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      setMembers((await api.flow.addMember(site.name, username.trim())).members);
      setUsername("");
    } catch (failure) {
      setError(failure);
    }
  };

  const remove = async (member: string) => {
    if (!window.confirm(`Remove ${member} from ${site.name}?`)) return;
    setError(null);
    try {
      setMembers((await api.flow.removeMember(site.name, member)).members);
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="card" aria-labelledby="site-members">
      <h2 id="site-members">Members</h2>
      <ul className="members">
        {members.map((member) => (
          <li key={member}>
            <span>{member}</span>
            {canEdit && members.length > 1 ? (
              <button
                type="button"
                className="link-button danger"
                onClick={() => void remove(member)}
                aria-label={`Remove ${member}`}
              >
                Remove
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <ErrorBanner error={formLevelError(error, ["username"])} />
      {canEdit ? (
        <form className="inline-form" onSubmit={add}>
          <Field label="Add a member by username" error={fields.username}>
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
          <button type="submit" className="button" disabled={username.trim() === ""}>
            Add
          </button>
        </form>
      ) : null}
    </section>
  );
}
