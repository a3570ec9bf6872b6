import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { SiteDomainView, SiteView } from "../../api/types";
import { ErrorBanner, Field, Time } from "../../components/ui";
import { useAction, useApi, useApiQueries } from "../../hooks";

/** Each status in words, as the member reads it next to the domain. */
export const domainStatusText: Record<SiteDomainView["status"], string> = {
  waiting_dns: "Waiting for DNS",
  issuing: "Getting a certificate",
  active: "Active",
  failed: "Failed",
  removing: "Being removed",
};

/**
 * The site's own domains: where each stands (DNS, certificate, with the reason when it waits or failed), the DNS
 * records to create, and for members adding, removing and retrying. The list is read again whenever the site's
 * revision grows (the live channel), which every status change of a domain does, so "waiting for DNS" turns into
 * "active" on its own.
 */
export function SiteDomains({ site, canEdit }: { site: SiteView; canEdit: boolean }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const domainsQuery = useApiQueries().siteDomains(site.name);
  const loaded = useQuery(domainsQuery);
  const [domain, setDomain] = useState("");
  const { error, isBusy, run } = useAction();
  const fields = fieldErrorsOf(error);
  const refresh = () => queryClient.invalidateQueries({ queryKey: domainsQuery.queryKey });

  const add = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      await api.domains.add(site.name, domain.trim());
      setDomain("");
      await refresh();
    });
  };

  const remove = async (name: string) => {
    if (!window.confirm(`Stop serving ${site.name} at ${name}? Its certificate is removed too.`)) return;
    await run(async () => {
      await api.domains.remove(site.name, name);
      await refresh();
    });
  };

  const retry = async (name: string) => {
    await run(async () => {
      await api.domains.retry(site.name, name);
      await refresh();
    });
  };

  const domains = loaded.data?.domains ?? [];
  return (
    <section className="card" aria-labelledby="site-domains">
      <h2 id="site-domains">Domains</h2>
      {domains.length === 0 ? <p className="muted small">The site has no domain of its own.</p> : null}
      <ul className="members" aria-label="Domains">
        {domains.map((entry) => (
          <li key={entry.domain} data-domain={entry.domain}>
            <span>
              <a href={entry.url}>{entry.displayName}</a>
              <span className="muted small" data-testid="domain-status">
                {" · "}
                {domainStatusText[entry.status]}
                {entry.certificateExpiresAt ? (
                  <>
                    {", certificate until "}
                    <Time iso={entry.certificateExpiresAt} />
                  </>
                ) : null}
              </span>
              {entry.statusMessage ? <span className="small block">{entry.statusMessage}</span> : null}
              {entry.status === "waiting_dns" && entry.dnsRecords.length > 0 ? (
                <span className="small block">
                  {"Create: "}
                  {entry.dnsRecords.map((record) => `${record.name} ${record.type} ${record.value}`).join("; ")}
                </span>
              ) : null}
            </span>
            {canEdit && entry.status !== "removing" ? (
              <span>
                {entry.status === "failed" || entry.status === "waiting_dns" ? (
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => void retry(entry.domain)}
                    disabled={isBusy}
                  >
                    Check again
                  </button>
                ) : null}
                <button
                  type="button"
                  className="link-button danger"
                  onClick={() => void remove(entry.domain)}
                  disabled={isBusy}
                  aria-label={`Remove ${entry.displayName}`}
                >
                  Remove
                </button>
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <ErrorBanner error={loaded.error ?? formLevelError(error, ["domain"])} />
      {canEdit ? (
        <form className="inline-form" onSubmit={add}>
          <Field
            label="Add a domain"
            error={fields.domain}
            hint="A name you control, such as www.example.org; its DNS must point here."
          >
            {({ id, describedBy, isInvalid }) => (
              <input
                id={id}
                value={domain}
                required
                autoCapitalize="none"
                spellCheck={false}
                inputMode="url"
                onChange={(event) => setDomain(event.target.value)}
                aria-describedby={describedBy}
                aria-invalid={isInvalid}
              />
            )}
          </Field>
          <button type="submit" className="button" disabled={isBusy || domain.trim() === ""}>
            Add
          </button>
        </form>
      ) : null}
    </section>
  );
}
