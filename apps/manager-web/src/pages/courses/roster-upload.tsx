import { type ChangeEvent, useId, useState } from "react";
import type { RosterReport } from "../../api/types";
import { ErrorBanner, Field } from "../../components/ui";
import { useAction, useApi } from "../../hooks";

/**
 * The roster: pasted or read from a CSV file, previewed row by row (nothing changes), then provisioned. The report
 * after provisioning lists every row again, the refused ones with why.
 */
export function RosterUpload(props: { course: string; onProvisioned: () => void }) {
  const api = useApi();
  const action = useAction();
  const headingId = useId();
  const [roster, setRoster] = useState("");
  const [report, setReport] = useState<{ kind: "preview" | "done"; report: RosterReport } | null>(null);

  const readFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setRoster(await file.text());
    setReport(null);
  };
  const preview = () =>
    action.run(async () => setReport({ kind: "preview", report: await api.courses.preview(props.course, roster) }));
  const provision = () =>
    action.run(async () => {
      setReport({ kind: "done", report: await api.courses.provision(props.course, roster) });
      props.onProvisioned();
    });

  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Roster</h2>
      <ErrorBanner error={action.error} />
      <Field
        label="Students"
        hint="A CSV with a header (username, name, email, graduation year), or usernames one per line. Uploading it again makes only what is missing."
      >
        {({ id, describedBy }) => (
          <textarea
            id={id}
            rows={8}
            value={roster}
            spellCheck={false}
            onChange={(event) => {
              setRoster(event.target.value);
              setReport(null);
            }}
            aria-describedby={describedBy}
          />
        )}
      </Field>
      <Field label="Or read a CSV file">
        {({ id }) => <input id={id} type="file" accept=".csv,text/csv,text/plain" onChange={readFile} />}
      </Field>
      <div className="actions">
        <button type="button" className="button" disabled={action.isBusy || roster.trim() === ""} onClick={preview}>
          Preview
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={action.isBusy || report?.kind !== "preview" || report.report.counts.create === 0}
          onClick={provision}
        >
          {report?.kind === "preview" ? `Make ${report.report.counts.create} sites` : "Make the sites"}
        </button>
      </div>
      {report ? <RosterRows kind={report.kind} report={report.report} /> : null}
    </section>
  );
}

const actionLabels = { create: "New site", exists: "Has a site", refused: "Refused" } as const;

function RosterRows({ kind, report }: { kind: "preview" | "done"; report: RosterReport }) {
  const { counts } = report;
  return (
    <div data-roster-report={kind}>
      <p role="status">
        {kind === "preview" ? "This roster would make " : "Made "}
        {counts.create} {counts.create === 1 ? "site" : "sites"}; {counts.exists} already there; {counts.refused}{" "}
        refused.
      </p>
      <div className="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Student</th>
              <th scope="col">Site</th>
              <th scope="col">{kind === "preview" ? "What happens" : "What happened"}</th>
            </tr>
          </thead>
          <tbody>
            {report.rows.map((row) => (
              <tr key={`${row.line}-${row.username ?? ""}`} data-line={row.line} data-action={row.action}>
                <td>{row.line}</td>
                <td>{row.username ?? "—"}</td>
                <td>{row.site ?? "—"}</td>
                <td>
                  <strong>{actionLabels[row.action]}</strong>
                  {row.action === "create" && row.account === "new" ? " · account invited" : ""}
                  {row.action === "refused" ? <span className="field-error small"> {row.message}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
