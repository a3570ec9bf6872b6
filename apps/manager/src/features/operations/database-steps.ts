/**
 * The steps of site databases' operations (operation-plans.ts puts them in order). Each is idempotent: the host calls
 * are, and each row change is a no-op the second time, so a step resumed after a crash leaves the same state.
 */
import type { StepDefinition } from "./step-definition.js";

/** Makes the database and user on the host (or finds them made) with the recorded password; then it is usable. */
export const ensureSiteDatabase: StepDefinition = {
  slug: "ensure_site_database",
  name: "Make the site's database and its user",
  run: async ({ site, databases }) => {
    if (!site) return;
    const opened = await databases.open(site.id);
    if (opened === null || opened.record.status === "removing") return;
    const made = await databases.hosting.ensure(site.id, opened.connection, opened.password);
    await databases.markReady(site.id, made.name);
  },
};

/** Sets the rotation's new password on the host, then keeps it as the password. */
export const setSiteDatabasePassword: StepDefinition = {
  slug: "set_site_database_password",
  name: "Set the database user's new password",
  run: async ({ site, databases }) => {
    if (!site) return;
    const opened = await databases.open(site.id);
    // no next password: the step ran to its end before (a resumed operation)
    if (opened === null || opened.nextPassword === null) return;
    await databases.hosting.setPassword(site.id, opened.connection, opened.nextPassword);
    await databases.completeRotation(site.id);
  },
};

/** Drops the database and its user on the host (nothing there: nothing to do), then forgets the row. */
export const removeSiteDatabase: StepDefinition = {
  slug: "remove_site_database",
  name: "Delete the site's database and its user",
  run: async ({ site, databases }) => {
    if (!site) return;
    const opened = await databases.open(site.id);
    if (opened === null) return;
    await databases.hosting.remove(site.id, opened.connection);
    await databases.forget(site.id);
  },
};
