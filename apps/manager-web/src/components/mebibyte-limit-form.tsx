import { type FormEvent, useState } from "react";
import { fieldErrorsOf } from "../api/errors";
import { useAction } from "../hooks";
import { ErrorBanner, Field } from "./ui";

const mebibyte = 1024 * 1024;

/**
 * Administrators: a limit in MiB of the thing's own (a database's size limit, a site's disk quota), or back to the
 * installation's default. `save` gets bytes, or null for the default; the API's field error shows under the input.
 */
export function MebibyteLimitForm(props: {
  /** the form's accessible name: "The site's disk quota" */
  name: string;
  /** the input's label: "Disk quota (MiB)" */
  label: string;
  /** the limit of its own in bytes; null: it has the default */
  ownBytes: number | null;
  hints: { own: string; byDefault: string };
  /** the API's body field, whose error shows under the input */
  field: string;
  minMebibytes: number;
  submitLabel: string;
  save: (bytes: number | null) => Promise<unknown>;
}) {
  const [mebibytes, setMebibytes] = useState(props.ownBytes === null ? "" : String(props.ownBytes / mebibyte));
  const { error, isBusy, run } = useAction();
  const fields = fieldErrorsOf(error);
  const fieldError = fields[props.field];
  const save = (bytes: number | null) => run(() => props.save(bytes));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(Math.round(Number(mebibytes) * mebibyte));
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={props.name}>
      <Field
        label={props.label}
        error={fieldError}
        hint={props.ownBytes === null ? props.hints.byDefault : props.hints.own}
      >
        {({ id, describedBy, isInvalid }) => (
          <input
            id={id}
            type="number"
            min={props.minMebibytes}
            step="any"
            inputMode="decimal"
            value={mebibytes}
            onChange={(event) => setMebibytes(event.target.value)}
            aria-describedby={describedBy}
            aria-invalid={isInvalid}
          />
        )}
      </Field>
      <button type="submit" className="button" disabled={isBusy || mebibytes === "" || !(Number(mebibytes) > 0)}>
        {props.submitLabel}
      </button>
      {props.ownBytes !== null ? (
        <button
          type="button"
          className="link-button"
          disabled={isBusy}
          onClick={() => {
            setMebibytes("");
            void save(null);
          }}
        >
          Use the default
        </button>
      ) : null}
      <ErrorBanner error={fieldError === undefined ? error : undefined} />
    </form>
  );
}
