import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { SiteRequestInput } from "../../api/types";
import { ErrorBanner, Field, SiteNameField } from "../../components/ui";
import { useApi } from "../../hooks";
import { suggestSiteName } from "../../lib/site-name";
import { navigate } from "../../router";

/** `name` is where a site name parser's error lands (fieldOfCode); here that field is `siteName`. */
const fieldNames = ["activity", "siteName", "name", "sponsor", "details", "agreement"] as const;

/** A student asks for an activity (club) site; their sponsor teacher, then an administrator, decide. */
export function RequestSitePage() {
  const api = useApi();
  const [form, setForm] = useState<SiteRequestInput>({
    activity: "",
    siteName: "",
    sponsor: "",
    details: "",
    agreement: false,
  });
  /** the site name follows the activity until the student types one */
  const [isSiteNameEdited, setIsSiteNameEdited] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const fields = fieldErrorsOf(error);
  const set = <K extends keyof SiteRequestInput>(key: K, value: SiteRequestInput[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      await api.siteRequests.create({
        ...form,
        activity: form.activity.trim(),
        siteName: form.siteName.trim(),
        sponsor: form.sponsor.trim(),
      });
      navigate("/requests");
    } catch (failure) {
      setError(failure);
      setIsBusy(false);
    }
  };

  const text = (key: "activity" | "sponsor", label: string, hint: string) => (
    <Field label={label} error={fields[key]} hint={hint}>
      {({ id, describedBy, isInvalid }) => (
        <input
          id={id}
          name={key}
          required
          value={form[key]}
          onChange={(event) => {
            set(key, event.target.value);
            if (key === "activity" && !isSiteNameEdited) set("siteName", suggestSiteName(event.target.value));
          }}
          aria-describedby={describedBy}
          aria-invalid={isInvalid}
        />
      )}
    </Field>
  );

  return (
    <div className="narrow">
      <h1>Request a club site</h1>
      <p>Your sponsor teacher approves the request first, then an administrator creates the site.</p>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={formLevelError(error, fieldNames)} />
        {text("activity", "Activity or club", "Its name, as the school lists it.")}
        <SiteNameField
          label="Site name"
          name="siteName"
          value={form.siteName}
          error={fields.siteName ?? fields.name}
          onChange={(value) => {
            setIsSiteNameEdited(true);
            set("siteName", value);
          }}
        />
        {text("sponsor", "Sponsor teacher's username", "The teacher who sponsors the activity.")}
        <Field label="What the site is for" error={fields.details}>
          {({ id, describedBy, isInvalid }) => (
            <textarea
              id={id}
              name="details"
              rows={4}
              value={form.details}
              onChange={(event) => set("details", event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <label className="checkbox">
          <input
            type="checkbox"
            name="agreement"
            checked={form.agreement}
            onChange={(event) => set("agreement", event.target.checked)}
          />
          I will keep the site in line with the school's guidelines and tell the administrators when I leave.
        </label>
        {fields.agreement ? <p className="field-error">{fields.agreement}</p> : null}
        <button type="submit" className="button button-primary" disabled={isBusy || !form.agreement}>
          Send request
        </button>
      </form>
    </div>
  );
}
