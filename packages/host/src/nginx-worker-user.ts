import { DirectorError } from "@director/domain/errors";
import { findSystemUser, type SystemUser } from "./system-user.js";

/**
 * The account nginx workers run as, or null when we are not root: nginx switches users only when its
 * master runs as root, otherwise workers keep our account. Default "www-data" (Debian's web user),
 * else "nobody".
 */
export async function resolveNginxWorkerUser(requested: string | undefined): Promise<SystemUser | null> {
  if (process.getuid?.() !== 0) return null;
  if (requested !== undefined) {
    const user = await findSystemUser(requested);
    if (user === null)
      throw new DirectorError("CONFIG_INVALID", `The nginx worker user "${requested}" does not exist.`);
    return user;
  }
  const user = (await findSystemUser("www-data")) ?? (await findSystemUser("nobody"));
  if (user === null)
    throw new DirectorError("CONFIG_INVALID", 'Neither "www-data" nor "nobody" exists to run nginx workers.');
  return user;
}
