import { type ReactNode, useId } from "react";
import { messageOf } from "../api/errors";
import type { SiteDot } from "../lib/site-status";

/** A labelled form control with its help text and its error, wired for screen readers. */
export function Field(props: {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: (ids: { id: string; describedBy: string | undefined; isInvalid: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : "", props.error ? errorId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children({ id, describedBy, isInvalid: props.error !== undefined })}
      {props.hint ? (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p className="field-error" id={errorId}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** A failure, said in words. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <div className="banner banner-error" role="alert">
      {messageOf(error)}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** A coloured dot with its meaning in words beside it (or for screen readers only when `isCompact`). */
export function StatusDot({ dot, isCompact = false }: { dot: SiteDot; isCompact?: boolean }) {
  return (
    <span className={`status status-${dot.state}`} title={dot.label}>
      <span className="dot" aria-hidden="true" />
      <span className={isCompact ? "visually-hidden" : "status-label"}>{dot.label}</span>
    </span>
  );
}

/** A date and time in the reader's locale. */
export function Time({ iso }: { iso: string | null }) {
  if (!iso) return <span className="muted">—</span>;
  const date = new Date(iso);
  return <time dateTime={iso}>{date.toLocaleString()}</time>;
}

/** A site's name as people type it, with the rule the API applies said beforehand. */
export function SiteNameField(props: {
  label: string;
  /** the form field's name (what the API calls it) */
  name: string;
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}) {
  return (
    <Field
      label={props.label}
      error={props.error}
      hint="2–32 lowercase letters, digits and single hyphens; the site's address starts with it."
    >
      {({ id, describedBy, isInvalid }) => (
        <input
          id={id}
          name={props.name}
          required
          autoCapitalize="none"
          spellCheck={false}
          value={props.value}
          onChange={(event) => props.onChange(event.target.value)}
          aria-describedby={describedBy}
          aria-invalid={isInvalid}
        />
      )}
    </Field>
  );
}
