import { type FormEvent, useId, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import { ErrorBanner, Field } from "../../components/ui";
import { useAction, useApi } from "../../hooks";
import { pathTo } from "../../lib/routes";
import { navigate } from "../../router";

/** The end of a course: every student site deleted in one step, once the course's name is typed again. */
export function CourseRemoval(props: { course: string; siteCount: number }) {
  const api = useApi();
  const action = useAction();
  const headingId = useId();
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState<string[]>([]);
  const fields = fieldErrorsOf(action.error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await action.run(async () => {
      const answer = await api.courses.remove(props.course, confirm);
      if (answer.busy.length === 0) navigate(pathTo("courses"));
      else setBusy(answer.busy);
    });
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>End the course</h2>
      <form onSubmit={submit}>
        <ErrorBanner error={formLevelError(action.error, ["confirm"])} />
        <Field
          label={`Type ${props.course} to delete its ${props.siteCount} student sites`}
          error={fields.confirm}
          hint="Their files and databases are deleted; the students' accounts stay. Download what you want to keep first."
        >
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              autoCapitalize="none"
              value={confirm}
              onChange={(event) => setConfirm(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <button type="submit" className="button button-danger" disabled={action.isBusy}>
          Remove the course's sites
        </button>
        {busy.length > 0 ? (
          <p className="field-error" role="status">
            Still busy, not removed yet: {busy.join(", ")}. Try again once they are made.
          </p>
        ) : null}
      </form>
    </section>
  );
}
