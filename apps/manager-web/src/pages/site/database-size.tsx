import type { SiteDatabaseView } from "../../api/types";
import { MebibyteLimitForm } from "../../components/mebibyte-limit-form";
import { Time } from "../../components/ui";
import { useApi } from "../../hooks";
import { formatBytes } from "../../lib/format";

/** Share of its limit from which the size shows as a warning: the member still has room to clean up. */
const warningShare = 0.9;

/** "7.5 MiB of 1 GiB", with a meter a screen reader reads as such, in the warning colour near the limit. */
export function DatabaseSize({ sizeBytes, limitBytes }: { sizeBytes: number; limitBytes: number | null }) {
  if (limitBytes === null) return <>{formatBytes(sizeBytes)}</>;
  return (
    <span className="size-of-limit">
      <meter
        min={0}
        max={limitBytes}
        value={Math.min(sizeBytes, limitBytes)}
        high={limitBytes * warningShare}
        optimum={0}
        aria-label="Space the database takes of its limit"
      />
      <span>
        {formatBytes(sizeBytes)} of {formatBytes(limitBytes)}
      </span>
    </span>
  );
}

/** What the member may still do once the database is past its limit, per engine (README: site database quotas). */
const stoppedAdvice: Record<SiteDatabaseView["kind"], string> = {
  mysql:
    "Reading, DELETE, DROP TABLE and TRUNCATE still work: drop or truncate what you no longer need (deleted rows' space is reused, not given back) and writes return within a few minutes.",
  postgres:
    "New transactions are read-only. Ask an administrator to raise the limit, or export what you need; writes return once the database is under its limit.",
};

/** The notice a member sees while the database's writes are stopped. */
export function DatabaseWritesStopped({ database }: { database: SiteDatabaseView }) {
  if (database.writesStoppedAt === null) return null;
  return (
    <div className="banner banner-warning" role="status" data-testid="database-writes-stopped">
      <p>
        <strong>Writes are stopped</strong> since <Time iso={database.writesStoppedAt} />: the database is larger than
        its limit
        {database.sizeLimitBytes === null ? "" : ` of ${formatBytes(database.sizeLimitBytes)}`}.
      </p>
      <p className="small">{stoppedAdvice[database.kind]}</p>
    </div>
  );
}

/** Administrators: the database's own limit in MiB, or the installation's default. Applied at once. */
export function DatabaseSizeLimit(props: { site: string; database: SiteDatabaseView; onChange: () => void }) {
  const api = useApi();
  const { database } = props;
  return (
    <MebibyteLimitForm
      name="The database's size limit"
      label="Size limit (MiB)"
      ownBytes={database.hasOwnSizeLimit ? database.sizeLimitBytes : null}
      hints={{ own: "This database's own limit.", byDefault: "Empty: the installation's default." }}
      field="sizeLimitBytes"
      minMebibytes={1}
      submitLabel="Set limit"
      save={async (sizeLimitBytes) => {
        await api.siteDatabase.setSizeLimit(props.site, sizeLimitBytes);
        props.onChange();
      }}
    />
  );
}
