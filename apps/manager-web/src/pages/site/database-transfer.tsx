import { type FormEvent, useState } from "react";
import type { SiteDatabaseView } from "../../api/types";
import { ErrorBanner } from "../../components/ui";
import { useAction, useApi } from "../../hooks";

/** What an import did, as the panel says it. */
interface ImportDone {
  bytes: number;
  durationMs: number;
  restoredEntries: number | null;
}

const formats: Record<SiteDatabaseView["kind"], { accept: string; what: string }> = {
  postgres: { accept: ".dump,application/octet-stream", what: "a pg_dump custom-format file (.dump), as Export makes" },
  mysql: { accept: ".sql,text/plain,application/sql", what: "a SQL dump (.sql), as Export or mysqldump makes" },
};

/**
 * Export (a download of a dump made as the site's database user) and Import (a dump uploaded and run as that user;
 * the answer, or the engine's refusal, shown here). Members only; the database must be ready.
 */
export function DatabaseTransfer({ site, kind }: { site: string; kind: SiteDatabaseView["kind"] }) {
  const api = useApi();
  const [file, setFile] = useState<File | null>(null);
  const [sentBytes, setSentBytes] = useState(0);
  const [done, setDone] = useState<ImportDone | null>(null);
  const { error, isBusy, run } = useAction();
  const format = formats[kind];
  const exporting = useAction();

  /** Saves the dump under `<site>-<date>.<ext>`, once the whole answer has come (a refusal shows below instead). */
  const download = () =>
    void exporting.run(async () => {
      const bytes = await api.siteDatabase.export(site);
      const link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([bytes], { type: "application/octet-stream" }));
      link.download = `${site}-${new Date().toISOString().slice(0, 10)}.${kind === "postgres" ? "dump" : "sql"}`;
      link.click();
      window.setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file === null) return;
    const question = `Import ${file.name} into the database? Tables it holds are replaced by the dump's.`;
    if (!window.confirm(question)) return;
    setDone(null);
    setSentBytes(0);
    void run(async () => setDone(await api.siteDatabase.import(site, file, setSentBytes)));
  };

  return (
    <div className="database-transfer">
      <h3>Export and import</h3>
      <p>
        <button type="button" className="button" onClick={download} disabled={exporting.isBusy}>
          {exporting.isBusy ? "Exporting…" : "Export"}
        </button>{" "}
        downloads a dump of the database, made as the site's database user.
      </p>
      <ErrorBanner error={exporting.error} />
      <form onSubmit={submit}>
        <label htmlFor={`import-${site}`}>Import {format.what}</label>
        <p className="inline-form">
          <input
            id={`import-${site}`}
            type="file"
            accept={format.accept}
            onChange={(event) => setFile(event.target.files?.[0] ?? null)}
          />
          <button type="submit" className="button" disabled={isBusy || file === null}>
            {isBusy ? "Importing…" : "Import"}
          </button>
        </p>
      </form>
      {isBusy && file !== null ? (
        <p aria-live="polite">
          {sentBytes < file.size
            ? `Sending ${Math.round((100 * sentBytes) / Math.max(file.size, 1))}%…`
            : "Sent; the database is restoring it…"}
        </p>
      ) : null}
      {done ? (
        <p aria-live="polite">
          Imported {done.bytes} bytes in {(done.durationMs / 1000).toFixed(1)} s
          {done.restoredEntries === null ? "" : ` (${done.restoredEntries} entries restored)`}.
        </p>
      ) : null}
      <ErrorBanner error={error} />
    </div>
  );
}
