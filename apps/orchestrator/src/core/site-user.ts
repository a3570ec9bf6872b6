/**
 * The account a site's files and processes belong to (pure). Every site has its own uid and gid, `base + site id`,
 * from a range no host account uses: one site's process then owns nothing of another site's, and nothing of the
 * host's (issue 8: a uid shared by every site, 1000, was also the host's first login account).
 */
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";

/** A site's own uid and gid (equal). */
export interface SiteUser {
  uid: number;
  gid: number;
}

/**
 * The default first id of the range: above the ids Debian and systemd give out (login accounts from 1000, dynamic
 * users 61184-65519, systemd-nspawn's container ranges up to 1879048191) and below 2^31, which some tools still read
 * as a signed number.
 */
export const defaultSiteUidBase = 2_000_000_000;
/** The highest uid a site may get (2^31 - 2: -1 as an unsigned 32-bit id means "no change" to chown). */
export const maxSiteUid = 2 ** 31 - 2;
/** The lowest base allowed: the range must stay clear of ordinary accounts. */
export const minSiteUidBase = 65_536;
/** The uid every dynamic site ran as before sites had their own (and the host's first login account on Debian). */
export const legacySharedSiteUid = 1000;

/** The uid and gid of site `id` in the range that starts at `base`. */
export function siteUserOf(id: SiteId, base: number): SiteUser {
  const uid = base + id;
  if (!Number.isSafeInteger(uid) || uid > maxSiteUid) {
    throw new DirectorError(
      "CONFIG_INVALID",
      `Site ${id} has no uid in the range from ${base} (the highest is ${maxSiteUid}); lower DIRECTOR_SITE_UID_BASE.`,
    );
  }
  return { uid, gid: uid };
}

/** Whether `user` is a valid site account: never root, never outside 32-bit ids. */
export function isSiteUser(user: SiteUser): boolean {
  return [user.uid, user.gid].every((id) => Number.isInteger(id) && id >= 1 && id <= maxSiteUid);
}
