/** The periods usage is kept in (site traffic and site resources), and the sparklines drawn from them (pure). */

export type UsageResolution = "minute" | "hour";

export const usagePeriodMs: Record<UsageResolution, number> = { minute: 60_000, hour: 3_600_000 };

/**
 * One line per site over `from`..`to`: a value per period, oldest first, zero where the site has no row. Rows
 * outside the window or of sites not asked for are ignored.
 */
export function sparklinesOf(
  siteIds: readonly number[],
  rows: ReadonlyArray<{ site_id: number; period_start: Date; value: number }>,
  window: { from: Date; to: Date; periodMs: number },
): Map<number, number[]> {
  const length = Math.ceil((window.to.getTime() - window.from.getTime()) / window.periodMs);
  const lines = new Map(siteIds.map((id) => [id, new Array<number>(length).fill(0)]));
  for (const row of rows) {
    const index = Math.floor((row.period_start.getTime() - window.from.getTime()) / window.periodMs);
    const line = lines.get(row.site_id);
    if (line !== undefined && index >= 0 && index < length) line[index] = row.value;
  }
  return lines;
}
