import { type FormEvent, type KeyboardEvent, useState } from "react";
import type { SiteStatementAnswer } from "../../api/types";
import { ErrorBanner } from "../../components/ui";
import { useAction, useApi } from "../../hooks";

/** Statements kept per site in this browser (never sent anywhere), newest first. */
const historyLength = 20;
const historyKey = (site: string) => `director.sql-history.${site}`;

function readHistory(site: string): string[] {
  try {
    const stored: unknown = JSON.parse(window.localStorage.getItem(historyKey(site)) ?? "[]");
    return Array.isArray(stored) ? stored.filter((entry): entry is string => typeof entry === "string") : [];
  } catch {
    return [];
  }
}

function remember(site: string, statement: string): string[] {
  const next = [statement, ...readHistory(site).filter((entry) => entry !== statement)].slice(0, historyLength);
  try {
    window.localStorage.setItem(historyKey(site), JSON.stringify(next));
  } catch {
    // a full or refused storage only loses the history
  }
  return next;
}

/**
 * The SQL console: one statement at a time, run as the site's own database user with the server's time and row limits;
 * the answer as a table (every value as the engine prints it, NULL set apart), a refusal in the engine's words, and
 * the statements run before (kept in this browser only).
 */
export function SqlConsole({ site }: { site: string }) {
  const api = useApi();
  const [statement, setStatement] = useState("");
  const [answer, setAnswer] = useState<SiteStatementAnswer | null>(null);
  const [history, setHistory] = useState<string[]>(() => readHistory(site));
  const { error, isBusy, run } = useAction();

  const execute = async () => {
    const text = statement.trim();
    if (text === "") return;
    setAnswer(null);
    setHistory(remember(site, text));
    await run(async () => setAnswer(await api.siteDatabase.query(site, text)));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void execute();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void execute();
    }
  };

  return (
    <div className="sql-console">
      <h3>SQL console</h3>
      <form onSubmit={submit}>
        <label htmlFor={`sql-${site}`}>One statement, run as the site's database user</label>
        <textarea
          id={`sql-${site}`}
          className="code-input"
          rows={4}
          value={statement}
          spellCheck={false}
          autoCapitalize="none"
          onChange={(event) => setStatement(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <p className="inline-form">
          <button type="submit" className="button" disabled={isBusy || statement.trim() === ""}>
            {isBusy ? "Running…" : "Run"}
          </button>
          <span className="muted small">Ctrl+Enter runs it. 10 s and 500 rows at most.</span>
        </p>
      </form>
      <ErrorBanner error={error} />
      {answer ? <StatementAnswer answer={answer} /> : null}
      {history.length > 0 ? (
        <details>
          <summary className="small">Earlier statements</summary>
          <ul className="sql-history">
            {history.map((entry) => (
              <li key={entry}>
                <button type="button" className="link-button" onClick={() => setStatement(entry)}>
                  <code>{entry.length > 120 ? `${entry.slice(0, 120)}…` : entry}</code>
                </button>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

function StatementAnswer({ answer }: { answer: SiteStatementAnswer }) {
  const cut = new Set(answer.truncatedValues.map(([row, column]) => `${row}:${column}`));
  const what = answer.columns.length > 0 ? `${answer.rowCount} row${answer.rowCount === 1 ? "" : "s"}` : "";
  const affected = answer.columns.length === 0 ? `${answer.rowCount} affected` : "";
  return (
    <div data-testid="sql-answer">
      <p className="small" role="status">
        {[answer.command ?? "Nothing run", what || affected, `${Math.round(answer.durationMs)} ms`].join(" · ")}
        {answer.truncated ? " · more rows than shown" : ""}
      </p>
      {answer.columns.length > 0 ? (
        <div className="table-scroll">
          <table className="sql-table">
            <thead>
              <tr>
                {answer.columns.map((column, index) => (
                  <th key={index} title={column.type}>
                    {column.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {answer.rows.map((row, rowIndex) => (
                <tr key={rowIndex}>
                  {row.map((value, columnIndex) => (
                    <td key={columnIndex}>
                      {value === null ? <span className="muted">NULL</span> : value}
                      {cut.has(`${rowIndex}:${columnIndex}`) ? <span className="muted"> (cut)</span> : null}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
