import { type FormEvent, useEffect, useId, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { OperationView, SiteView } from "../../api/types";
import { ErrorBanner, Field } from "../../components/ui";
import { useApi } from "../../hooks";
import { pathTo } from "../../lib/routes";
import { navigate } from "../../router";

/** What switching to the other type does, said before the member confirms it. */
const switchWarnings: Record<SiteView["type"], string> = {
  static: "Make this site dynamic? Director then runs its run.sh instead of serving public/ directly.",
  dynamic: "Make this site static? Its process stops and nginx serves public/ directly.",
};

/**
 * The settings a member changes from the site page: its description, its name (not a personal site's, which is its
 * owner's username), and whether it is static or dynamic (operations the page follows; the files stay as they are).
 */
export function SiteSettings(props: {
  site: SiteView;
  onOperation: (operation: OperationView) => void;
  onChanged: () => void;
}) {
  const { site } = props;
  const api = useApi();
  const headingId = useId();
  const [description, setDescription] = useState(site.description);
  const [newName, setNewName] = useState(site.name);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [note, setNote] = useState("");
  useEffect(() => setDescription(site.description), [site.description]);
  useEffect(() => setNewName(site.name), [site.name]);
  const fields = fieldErrorsOf(error);
  const other: SiteView["type"] = site.type === "static" ? "dynamic" : "static";

  const run = async (work: () => Promise<string>) => {
    setError(null);
    setNote("");
    setIsBusy(true);
    try {
      setNote(await work());
      props.onChanged();
    } catch (failure) {
      setError(failure);
    } finally {
      setIsBusy(false);
    }
  };

  const saveDescription = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.sites.setDescription(site.name, description);
      return "Description saved.";
    });
  };

  const rename = (event: FormEvent) => {
    event.preventDefault();
    const name = newName.trim();
    const question = `Rename ${site.name} to ${name}? Its address changes; the old one redirects to the new one for a while.`;
    if (!window.confirm(question)) return;
    void run(async () => {
      await api.sites.rename(site.name, name);
      // The site is already known by its new name: its page there follows the rename operation.
      navigate(pathTo("site", { name }));
      return `Renamed to ${name}.`;
    });
  };

  const switchType = () => {
    if (!window.confirm(switchWarnings[site.type])) return;
    void run(async () => {
      const { operation } = await api.sites.changeType(site.name, other);
      props.onOperation(operation);
      return `Switching to ${other}.`;
    });
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Settings</h2>
      <ErrorBanner error={formLevelError(error, ["description", "name"])} />
      <form onSubmit={saveDescription}>
        <Field label="Description" error={fields.description} hint="What the site is for; shown on its page.">
          {({ id, describedBy, isInvalid }) => (
            <textarea
              id={id}
              rows={3}
              maxLength={2000}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button" disabled={isBusy || description === site.description}>
            Save description
          </button>
        </div>
      </form>
      {site.purpose === "personal" ? null : (
        <form onSubmit={rename}>
          <Field
            label="Name"
            error={fields.name}
            hint="Lowercase letters, digits and single hyphens. The old address redirects to the new one for a while."
          >
            {({ id, describedBy, isInvalid }) => (
              <input
                id={id}
                value={newName}
                required
                maxLength={32}
                autoCapitalize="none"
                spellCheck={false}
                onChange={(event) => setNewName(event.target.value)}
                aria-describedby={describedBy}
                aria-invalid={isInvalid}
              />
            )}
          </Field>
          <div className="actions">
            <button
              type="submit"
              className="button"
              disabled={isBusy || !site.isReady || newName.trim() === "" || newName.trim() === site.name}
            >
              Rename
            </button>
          </div>
        </form>
      )}
      <p className="small">
        This site is <strong>{site.type}</strong>
        {site.type === "static" ? ": nginx serves its public/ folder." : ": Director runs its run.sh."}
      </p>
      <div className="actions">
        <button type="button" className="button" disabled={isBusy || !site.isReady} onClick={switchType}>
          Make it {other}
        </button>
      </div>
      {note ? (
        <p className="muted small" role="status">
          {note}
        </p>
      ) : null}
    </section>
  );
}
