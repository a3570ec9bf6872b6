import { useMemo } from "react";
import type { SiteDiskView, SiteUsageView } from "../../api/types";
import { MebibyteLimitForm } from "../../components/mebibyte-limit-form";
import { TimeSeriesChart } from "../../components/time-series-chart";
import { Time } from "../../components/ui";
import { useApi, useSession } from "../../hooks";
import { formatBytes } from "../../lib/format";

const mebibyte = 1024 * 1024;

/**
 * How full the site's disk is: a meter against its quota, a warning from 90 % (what fails once it is full, and what
 * to do), and for administrators the site's own quota.
 */
export function SiteDisk(props: {
  site: string;
  disk: SiteDiskView | null;
  hours: SiteUsageView["diskHours"];
  window: { from: string; to: string; name: string };
  onChange: () => void;
}) {
  const { user } = useSession();
  const { disk } = props;
  const columns = useMemo(() => diskColumns(props.hours, props.window), [props.hours, props.window]);
  if (disk === null) return null;
  return (
    <div className="site-disk" data-testid="site-disk">
      <h3>Disk</h3>
      <p className="size-of-limit">
        <meter
          min={0}
          max={disk.quotaBytes}
          value={Math.min(disk.usedBytes, disk.quotaBytes)}
          high={disk.quotaBytes * 0.9}
          optimum={0}
          aria-label="Space the site's files take of its quota"
        />
        <span>
          {formatBytes(disk.usedBytes)} of {formatBytes(disk.quotaBytes)}
          {disk.ownQuotaBytes === null ? "" : " (its own quota)"}
        </span>
        <span className="muted small">
          {" "}
          · {disk.usedInodes.toLocaleString()} of {disk.totalInodes.toLocaleString()} files · measured{" "}
          <Time iso={disk.measuredAt} />
        </span>
      </p>
      {disk.isNearQuota ? (
        <div className="banner banner-warning" role="status" data-testid="disk-near-quota">
          <p>
            <strong>The site is nearly out of disk space.</strong> Once it is full, uploads, saves and the site's own
            process can no longer write. Delete what it no longer needs, or ask an administrator for a larger quota.
          </p>
        </div>
      ) : null}
      {columns.times.length > 1 && props.hours.length > 0 ? (
        <TimeSeriesChart
          title="Disk per hour"
          summary={`the most the site's files took each hour, and its quota, ${props.window.name.toLowerCase()}`}
          times={columns.times}
          lines={[
            { label: "Used", values: columns.usedMib, color: "#2b6cb0" },
            { label: "Quota", values: columns.quotaMib, color: "#c53030", isDashed: true },
          ]}
          formatValue={(value) => `${value} MiB`}
          testId="disk-chart"
        />
      ) : null}
      {user.isSuperuser ? <DiskQuotaForm site={props.site} disk={disk} onChange={props.onChange} /> : null}
    </div>
  );
}

/** One entry per hour of the window, null where the disk was not measured (no line there). */
function diskColumns(hours: SiteUsageView["diskHours"], window: { from: string; to: string }) {
  const from = Math.floor(Date.parse(window.from) / 3600_000) * 3600;
  const to = Date.parse(window.to) / 1000;
  const byTime = new Map(hours.map((hour) => [Date.parse(hour.at) / 1000, hour]));
  const times: number[] = [];
  const usedMib: (number | null)[] = [];
  const quotaMib: (number | null)[] = [];
  const mib = (bytes: number) => Math.round((bytes / mebibyte) * 10) / 10;
  for (let time = from; time < to; time += 3600) {
    const hour = byTime.get(time);
    times.push(time);
    usedMib.push(hour === undefined ? null : mib(hour.usedBytes));
    quotaMib.push(hour === undefined ? null : mib(hour.quotaBytes));
  }
  return { times, usedMib, quotaMib };
}

/** Administrators: the site's own quota in MiB, or the installation's default. Applied at once. */
function DiskQuotaForm(props: { site: string; disk: SiteDiskView; onChange: () => void }) {
  const api = useApi();
  return (
    <MebibyteLimitForm
      name="The site's disk quota"
      label="Disk quota (MiB)"
      ownBytes={props.disk.ownQuotaBytes}
      hints={{ own: "This site's own quota.", byDefault: "Empty: the installation's default. At least 16." }}
      field="quotaBytes"
      minMebibytes={16}
      submitLabel="Set quota"
      save={async (quotaBytes) => {
        await api.usage.setDiskQuota(props.site, quotaBytes);
        props.onChange();
      }}
    />
  );
}
