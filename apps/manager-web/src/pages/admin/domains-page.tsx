import { useQuery } from "@tanstack/react-query";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useApiQueries } from "../../hooks";
import { pathTo } from "../../lib/routes";
import { Link } from "../../router";
import { domainStatusText } from "../site/site-domains";

/** A certificate this close to its end is shown as needing attention (the alerts use the same 14 days). */
const soonMs = 14 * 24 * 60 * 60 * 1000;

/**
 * Every site's own domains: those that need a person first (failed, or a certificate ending within 14 days), then
 * the rest by name, each with its status, reason and certificate's end.
 */
export function AdminDomainsPage() {
  const listed = useQuery(useApiQueries().allDomains());
  const now = Date.now();
  const needsAttention = (entry: { status: string; certificateExpiresAt: string | null }) =>
    entry.status === "failed" ||
    (entry.certificateExpiresAt !== null && Date.parse(entry.certificateExpiresAt) - now < soonMs);
  const domains = [...(listed.data?.domains ?? [])].sort(
    (a, b) => Number(needsAttention(b)) - Number(needsAttention(a)) || a.domain.localeCompare(b.domain),
  );
  const attention = domains.filter(needsAttention).length;
  return (
    <>
      <h1>Domains</h1>
      <ErrorBanner error={listed.error} />
      {listed.isPending ? <Loading what="the domains" /> : null}
      {listed.data ? (
        <p className="muted">
          {domains.length} domain(s); {attention === 0 ? "none needs attention." : `${attention} need(s) attention.`}
        </p>
      ) : null}
      <table hidden={!listed.data || domains.length === 0}>
        <thead>
          <tr>
            <th scope="col">Domain</th>
            <th scope="col">Site</th>
            <th scope="col">Status</th>
            <th scope="col">Certificate until</th>
          </tr>
        </thead>
        <tbody>
          {domains.map((entry) => (
            <tr
              key={entry.domain}
              data-domain={entry.domain}
              className={needsAttention(entry) ? "attention" : undefined}
            >
              <td>
                <a href={entry.url}>{entry.displayName}</a>
              </td>
              <td>
                <Link to={pathTo("site", { name: entry.site })}>{entry.site}</Link>
              </td>
              <td>
                {domainStatusText[entry.status]}
                {entry.statusMessage ? <span className="small block muted">{entry.statusMessage}</span> : null}
              </td>
              <td>{entry.certificateExpiresAt ? <Time iso={entry.certificateExpiresAt} /> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
