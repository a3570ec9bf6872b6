import type { ReconcileReport } from "../api/types";

/** What a reconcile found and did, site by site, in words. */
export function ReconcileReportView({ report }: { report: ReconcileReport }) {
  return (
    <div role="status">
      <p>
        {report.checkedSites === 1 ? "1 site checked" : `${report.checkedSites} sites checked`}:{" "}
        {report.isInSync ? "everything is in line." : `${report.items.length} out of line.`}
      </p>
      {report.items.length > 0 ? (
        <ul>
          {report.items.map((item) => (
            <li key={`${item.site}-${item.siteId}`}>
              <strong>{item.site}</strong> ({item.outcome}): {item.drift.map((finding) => finding.message).join("; ")}
              {item.message ? <span className="muted"> — {item.message}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {report.notes.map((note) => (
        <p key={note} className="muted small">
          {note}
        </p>
      ))}
    </div>
  );
}
