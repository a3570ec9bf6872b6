import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { SiteView } from "../../api/types";
import { ErrorBanner, Field } from "../../components/ui";
import { useAction, useApi } from "../../hooks";
import { navigate } from "../../router";

/** Deleting a site, with its name typed to confirm (the API checks it too: `confirmName`). */
export function DeleteSite({ site }: { site: SiteView }) {
  const api = useApi();
  const [confirmName, setConfirmName] = useState("");
  const { error, isBusy, run } = useAction();
  const fields = fieldErrorsOf(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(() => api.sites.remove(site.name, confirmName))) navigate("/");
  };

  return (
    <section className="card danger-zone" aria-labelledby="site-delete">
      <h2 id="site-delete">Delete this site</h2>
      <p>Its files, its process and its address go away for good.</p>
      <form onSubmit={submit} className="inline-form">
        <ErrorBanner error={formLevelError(error, ["confirmName"])} />
        <Field label={`Type ${site.name} to confirm`} error={fields.confirmName}>
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              value={confirmName}
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              onChange={(event) => setConfirmName(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <button type="submit" className="button button-danger" disabled={isBusy || confirmName !== site.name}>
          Delete site
        </button>
      </form>
    </section>
  );
}
