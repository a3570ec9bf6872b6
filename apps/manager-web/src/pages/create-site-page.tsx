import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../api/errors";
import type { CreateSiteRequest } from "../api/types";
import { ErrorBanner, Field, SiteNameField } from "../components/ui";
import { useApi, useSession } from "../hooks";
import { sitePath } from "../lib/routes";
import { Link, navigate } from "../router";

const purposes: Array<{ value: CreateSiteRequest["purpose"]; label: string }> = [
  { value: "personal", label: "Personal" },
  { value: "project", label: "Project" },
  { value: "activity", label: "Activity (club)" },
  { value: "other", label: "Other" },
];

/**
 * Creates a site. Administrators create any site; teachers also project sites; everyone their own personal site,
 * which is named after them (no name is sent: the API names it). The API enforces who may create what; the form
 * only starts from what most people may do. Errors show under their field.
 */
export function CreateSitePage() {
  const api = useApi();
  const { user } = useSession();
  const [form, setForm] = useState<CreateSiteRequest>({
    name: "",
    type: "static",
    purpose: user.isSuperuser ? "project" : "personal",
    description: "",
  });
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const fields = fieldErrorsOf(error);
  const isPersonal = form.purpose === "personal";
  const set = <K extends keyof CreateSiteRequest>(key: K, value: CreateSiteRequest[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      const { name, ...rest } = form;
      const { site } = await api.sites.create(isPersonal ? rest : { ...rest, name: (name ?? "").trim() });
      navigate(sitePath(site.name));
    } catch (failure) {
      setError(failure);
      setIsBusy(false);
    }
  };

  return (
    <div className="narrow">
      <h1>New site</h1>
      {!user.isSuperuser ? (
        <p>
          You can create your personal site{user.role === "teacher" ? " and project sites" : ""}. For a club site,{" "}
          <Link to="/requests/new">request one</Link>.
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={formLevelError(error, ["name", "type", "purpose", "description"])} />
        <Field label="Purpose" error={fields.purpose}>
          {({ id, describedBy, isInvalid }) => (
            <select
              id={id}
              name="purpose"
              value={form.purpose}
              onChange={(event) => set("purpose", event.target.value as CreateSiteRequest["purpose"])}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            >
              {purposes.map((purpose) => (
                <option key={purpose.value} value={purpose.value}>
                  {purpose.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {isPersonal ? (
          <p className="hint" role="status">
            Your personal site is named after you: <strong>{user.username}</strong>.
          </p>
        ) : (
          <SiteNameField
            label="Name"
            name="name"
            value={form.name ?? ""}
            error={fields.name}
            onChange={(value) => set("name", value)}
          />
        )}
        <fieldset className="field">
          <legend>Type</legend>
          <label className="radio">
            <input type="radio" name="type" checked={form.type === "static"} onChange={() => set("type", "static")} />
            Static: files served as they are (HTML, CSS, images)
          </label>
          <label className="radio">
            <input type="radio" name="type" checked={form.type === "dynamic"} onChange={() => set("type", "dynamic")} />
            Dynamic: a program (<code>run.sh</code>) that serves HTTP
          </label>
          {fields.type ? <p className="field-error">{fields.type}</p> : null}
        </fieldset>
        <Field label="Description" error={fields.description} hint="Optional; at most 2,000 characters.">
          {({ id, describedBy, isInvalid }) => (
            <textarea
              id={id}
              name="description"
              rows={3}
              maxLength={2000}
              value={form.description}
              onChange={(event) => set("description", event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <button type="submit" className="button button-primary" disabled={isBusy}>
          {isBusy ? "Creating…" : "Create site"}
        </button>
      </form>
    </div>
  );
}
