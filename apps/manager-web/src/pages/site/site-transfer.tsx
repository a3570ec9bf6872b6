import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { SiteView } from "../../api/types";
import { ErrorBanner, Field } from "../../components/ui";
import { useAction, useApi, useSession } from "../../hooks";
import { pathTo } from "../../lib/routes";
import { navigate } from "../../router";

/**
 * Hands the site to someone else before its owner leaves (a graduating student to a teacher): they become a member
 * and the giver leaves it unless they keep access. Folded away: it is rare, and it cannot be undone by the giver.
 */
export function SiteTransfer({ site }: { site: SiteView }) {
  const api = useApi();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const action = useAction();
  const [to, setTo] = useState("");
  const [keepAccess, setKeepAccess] = useState(false);
  const fields = fieldErrorsOf(action.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const isLeaving = !keepAccess && !user.isSuperuser;
    if (isLeaving && !window.confirm(`Give ${site.name} to ${to.trim()}? You will no longer be a member.`)) return;
    await action.run(async () => {
      await api.members.transfer(site.name, to.trim(), keepAccess);
      if (isLeaving) navigate(pathTo("sites"));
      else await queryClient.invalidateQueries();
      setTo("");
    });
  };

  return (
    <section className="card" aria-labelledby="site-transfer">
      <details>
        <summary>
          <h2 id="site-transfer" className="summary-heading">
            Hand this site over
          </h2>
        </summary>
        <form onSubmit={submit}>
          <p className="muted small">
            Before you leave the school, give the site to a teacher so that it stays: they become a member
            {site.purpose === "personal" ? ", and it becomes a project site" : ""}.
          </p>
          <ErrorBanner error={formLevelError(action.error, ["to"])} />
          <Field
            label="Give it to (username)"
            error={fields.to}
            hint={user.isSuperuser ? "Any active account." : "A teacher's username."}
          >
            {({ id, describedBy, isInvalid }) => (
              <input
                id={id}
                value={to}
                required
                autoCapitalize="none"
                spellCheck={false}
                onChange={(event) => setTo(event.target.value)}
                aria-describedby={describedBy}
                aria-invalid={isInvalid}
              />
            )}
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={keepAccess} onChange={(event) => setKeepAccess(event.target.checked)} />{" "}
            Stay a member myself
          </label>
          <button type="submit" className="button" disabled={action.isBusy || to.trim() === ""}>
            Hand it over
          </button>
        </form>
      </details>
    </section>
  );
}
