/** The start-up check that the sites' uid range (core/site-user.ts) belongs to no host account. */
import { DirectorError } from "@director/domain/errors";
import { findIdRangeConflicts } from "@director/host/host-accounts";
import { maxSiteUid } from "../core/site-user.js";

/** Fails with CONFIG_INVALID, naming what is in the way, when an account or subordinate range uses [base, 2^31-2]. */
export async function assertSiteUidRangeFree(base: number): Promise<void> {
  const conflicts = await findIdRangeConflicts(base, maxSiteUid);
  if (conflicts.length === 0) return;
  const named = conflicts
    .slice(0, 10)
    .map((conflict) => `${conflict.name} (${conflict.source}, id ${conflict.id})`)
    .join(", ");
  throw new DirectorError(
    "CONFIG_INVALID",
    `Site files and processes get uids from ${base} to ${maxSiteUid} (DIRECTOR_SITE_UID_BASE), but host accounts use ` +
      `that range: ${named}. Such an account would own sites' files; choose another DIRECTOR_SITE_UID_BASE.`,
  );
}
