import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import { ErrorBanner, Field } from "../../components/ui";
import { useApi } from "../../hooks";

/**
 * The end of a school year: pick a graduation year, see how many of its students still log in, and disable them
 * all at once by typing the year again. Their sites stay; the page says who was disabled.
 */
export function GraduatingClass(props: { onDisabled: () => void }) {
  const api = useApi();
  const headingId = useId();
  const [year, setYear] = useState(new Date().getFullYear());
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<string[] | null>(null);
  const isYear = Number.isInteger(year) && year >= 1900 && year <= 2200;
  const summary = useQuery({
    queryKey: ["graduating-class", year],
    queryFn: () => api.admin.classSummary(year),
    enabled: isYear,
  });
  const fields = fieldErrorsOf(error);

  const disable = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setResult(null);
    try {
      const answer = await api.admin.disableClass(year, confirm);
      setResult(answer.disabledNow);
      setConfirm("");
      await summary.refetch();
      props.onDisabled();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Graduating class</h2>
      <form onSubmit={disable}>
        <ErrorBanner error={formLevelError(error, ["confirm"])} />
        <Field label="Graduation year">
          {({ id }) => (
            <input
              id={id}
              type="number"
              min={1900}
              max={2200}
              value={Number.isNaN(year) ? "" : year}
              onChange={(event) => setYear(event.target.valueAsNumber)}
            />
          )}
        </Field>
        {summary.data ? (
          <p role="status">
            {summary.data.active} student {summary.data.active === 1 ? "account" : "accounts"} of {year} still log in;{" "}
            {summary.data.disabled} disabled.
          </p>
        ) : null}
        <Field
          label={`Type ${isYear ? year : "the year"} to disable them`}
          error={fields.confirm}
          hint="Their sites stay, with their other members. Teachers and administrators are never disabled here."
        >
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              value={confirm}
              inputMode="numeric"
              onChange={(event) => setConfirm(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <button type="submit" className="button button-danger" disabled={!isYear || summary.data?.active === 0}>
          Disable the class of {isYear ? year : "…"}
        </button>
        {result ? (
          <p className="muted small" role="status">
            {result.length === 0 ? "Nobody was left to disable." : `Disabled: ${result.join(", ")}.`}
          </p>
        ) : null}
      </form>
    </section>
  );
}
