/** Rows for tests, made through the real repositories so they obey the same rules as production data. */
import type { DatabaseHandle } from "@director/db/database";
import { SitesRepository } from "@director/db/sites.repository";
import { UsersRepository } from "@director/db/users.repository";
import type { SitePurpose, SiteRecord, SiteType } from "@director/domain/site";
import { parseSiteName } from "@director/domain/site-name";
import type { User } from "@director/domain/user";
import { parseUsername } from "@director/domain/username";

let sequence = 0;

/** A name unique within this test process, safe as a username and a site name. */
export function uniqueName(prefix = "t"): string {
  sequence += 1;
  return `${prefix}${sequence}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Creates a user; every field has a default. */
export async function createTestUser(
  db: DatabaseHandle,
  overrides: Partial<{ username: string; isSuperuser: boolean; passwordHash: string | null }> = {},
): Promise<User> {
  const username = parseUsername(overrides.username ?? uniqueName("user"));
  return new UsersRepository(db).create({
    username,
    displayName: `Test ${username}`,
    email: `${username}@example.test`,
    passwordHash: overrides.passwordHash ?? null,
    isSuperuser: overrides.isSuperuser ?? false,
  });
}

/** Creates a site; every field has a default. */
export async function createTestSite(
  db: DatabaseHandle,
  overrides: Partial<{ name: string; type: SiteType; purpose: SitePurpose; memberIds: number[] }> = {},
): Promise<SiteRecord> {
  return new SitesRepository(db).create({
    name: parseSiteName(overrides.name ?? uniqueName("site")),
    type: overrides.type ?? "static",
    purpose: overrides.purpose ?? "project",
    description: "",
    memberIds: overrides.memberIds ?? [],
  });
}

/**
 * Makes the site named `siteName` busy the way a running operation does (a `restart_site` the worker holds), so that a
 * test sees what another change meets meanwhile; answers the operation's id.
 */
export async function occupyTestSite(db: DatabaseHandle, siteName: string): Promise<number> {
  const site = await db.selectFrom("sites").select("id").where("name", "=", siteName).executeTakeFirstOrThrow();
  const operation = await db
    .insertInto("operations")
    .values({ site_id: site.id, site_name: siteName, kind: "restart_site", status: "running", created_by: null })
    .returning("id")
    .executeTakeFirstOrThrow();
  return operation.id;
}
