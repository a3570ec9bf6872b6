import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { SiteVariableInput } from "../../api/site-variables";
import type { OperationView, SiteView } from "../../api/types";
import { ErrorBanner } from "../../components/ui";
import { useApi, useApiQueries } from "../../hooks";

/** One row of the form; `hasStoredSecret`: the secret has a value on the server, kept while the field stays empty. */
interface Row {
  key: number;
  name: string;
  value: string;
  isSecret: boolean;
  hasStoredSecret: boolean;
}

let nextKey = 0;
const newRow = (fields: Partial<Row> = {}): Row => ({
  key: nextKey++,
  name: "",
  value: "",
  isSecret: false,
  hasStoredSecret: false,
  ...fields,
});

/** What the API takes: a stored secret left empty is sent without a value, so that it keeps its own. */
export function variablesToSend(rows: readonly Row[]): SiteVariableInput[] {
  return rows
    .filter((row) => row.name.trim() !== "" || row.value !== "")
    .map((row) =>
      row.isSecret && row.hasStoredSecret && row.value === ""
        ? { name: row.name.trim(), isSecret: true }
        : { name: row.name.trim(), value: row.value, isSecret: row.isSecret },
    );
}

/**
 * A site's environment variables and secrets, for its members: edit the whole set and save it at once; a dynamic
 * site's process restarts with it (an operation the page follows). A secret's value is never shown: its field
 * stays empty to keep it, or takes a new one.
 */
export function SiteVariables(props: { site: SiteView; onOperation: (operation: OperationView) => void }) {
  const { site } = props;
  const api = useApi();
  const queryClient = useQueryClient();
  const variablesQuery = useApiQueries().siteVariables(site.name);
  const stored = useQuery(variablesQuery);
  const [rows, setRows] = useState<Row[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [savedNote, setSavedNote] = useState("");
  const headingId = useId();

  useEffect(() => {
    if (!stored.data) return;
    setRows(
      stored.data.variables.map((variable) =>
        newRow({
          name: variable.name,
          value: variable.value ?? "",
          isSecret: variable.isSecret,
          hasStoredSecret: variable.isSecret,
        }),
      ),
    );
  }, [stored.data]);

  const fields = fieldErrorsOf(error);
  const change = (key: number, patch: Partial<Row>) =>
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const sent = variablesToSend(rows);
  /** a row's index in what is sent (the API names fields `variables.<index>.name`) */
  const sentIndex = (row: Row) => sent.findIndex((variable) => variable.name === row.name.trim());

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSavedNote("");
    setIsBusy(true);
    try {
      const answer = await api.siteVariables.replace(site.name, sent);
      await queryClient.invalidateQueries({ queryKey: variablesQuery.queryKey });
      if (answer.operation) props.onOperation(answer.operation);
      setSavedNote(
        answer.operation ? "Saved; the process restarts with them." : "Saved; terminals opened from now on get them.",
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Environment variables</h2>
      <p className="muted small">
        Your site's {site.type === "dynamic" ? "process, " : ""}terminal and SSH sessions get these. Mark keys and
        passwords as secret: nobody sees a secret's value again, here or in any log.{" "}
        <a href="/docs/variables">How variables work</a>
      </p>
      <ErrorBanner error={stored.error} />
      <form onSubmit={save}>
        <ErrorBanner
          error={formLevelError(
            error,
            Object.keys(fields).filter((field) => /^variables\.\d+\.(name|value)$/.test(field)),
          )}
        />
        {rows.length === 0 ? <p className="muted small">No variables yet.</p> : null}
        <div className="variables">
          {rows.map((row) => {
            const index = sentIndex(row);
            const nameError = index < 0 ? undefined : fields[`variables.${index}.name`];
            const valueError = index < 0 ? undefined : fields[`variables.${index}.value`];
            return (
              <fieldset key={row.key} className="variable-row">
                <legend className="visually-hidden">{row.name || "New variable"}</legend>
                <label>
                  <span className="small">Name</span>
                  <input
                    value={row.name}
                    autoCapitalize="characters"
                    spellCheck={false}
                    placeholder="API_URL"
                    aria-invalid={nameError !== undefined}
                    onChange={(event) => change(row.key, { name: event.target.value })}
                  />
                </label>
                <label>
                  <span className="small">Value</span>
                  <input
                    type={row.isSecret ? "password" : "text"}
                    value={row.value}
                    autoComplete="off"
                    spellCheck={false}
                    placeholder={row.hasStoredSecret ? "unchanged (secret)" : ""}
                    aria-invalid={valueError !== undefined}
                    onChange={(event) => change(row.key, { value: event.target.value })}
                  />
                </label>
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={row.isSecret}
                    onChange={(event) => change(row.key, { isSecret: event.target.checked })}
                  />{" "}
                  Secret
                </label>
                <button
                  type="button"
                  className="button"
                  aria-label={`Remove ${row.name || "this variable"}`}
                  onClick={() => setRows((current) => current.filter((candidate) => candidate.key !== row.key))}
                >
                  Remove
                </button>
                {nameError ? <p className="field-error">{nameError}</p> : null}
                {valueError ? <p className="field-error">{valueError}</p> : null}
              </fieldset>
            );
          })}
        </div>
        <div className="actions">
          <button type="button" className="button" onClick={() => setRows((current) => [...current, newRow()])}>
            Add variable
          </button>
          <button type="submit" className="button button-primary" disabled={isBusy || !stored.data}>
            {site.type === "dynamic" ? "Save and restart" : "Save"}
          </button>
        </div>
        {savedNote ? (
          <p className="muted small" role="status">
            {savedNote}
          </p>
        ) : null}
      </form>
    </section>
  );
}
