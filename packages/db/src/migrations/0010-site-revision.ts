import { type Kysely, sql } from "kysely";

/**
 * A number that grows with every change of a site or of its members, whoever makes it (an operation's step, an
 * administrator's comment, a member added). The live channel sends it, so that a page showing the site reads it
 * again when it changed, also for changes no operation makes. Triggers keep it, so no write path can forget to.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("sites")
    .addColumn("revision", "integer", (col) => col.notNull().defaultTo(0))
    .execute();
  // Whatever an update sets, the revision becomes the old one plus one.
  await sql`
    CREATE FUNCTION director_next_site_revision() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.revision := OLD.revision + 1;
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER sites_next_revision BEFORE UPDATE ON sites
    FOR EACH ROW EXECUTE FUNCTION director_next_site_revision()`.execute(db);
  // A membership change touches its site (a deleted site's rows go with it: the update then finds nothing).
  await sql`
    CREATE FUNCTION director_touch_member_site() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE sites SET revision = revision + 1
      WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.site_id ELSE NEW.site_id END;
      IF TG_OP = 'UPDATE' AND OLD.site_id <> NEW.site_id THEN
        UPDATE sites SET revision = revision + 1 WHERE id = OLD.site_id;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER site_members_touch_site AFTER INSERT OR UPDATE OR DELETE ON site_members
    FOR EACH ROW EXECUTE FUNCTION director_touch_member_site()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER site_members_touch_site ON site_members`.execute(db);
  await sql`DROP FUNCTION director_touch_member_site()`.execute(db);
  await sql`DROP TRIGGER sites_next_revision ON sites`.execute(db);
  await sql`DROP FUNCTION director_next_site_revision()`.execute(db);
  await db.schema.alterTable("sites").dropColumn("revision").execute();
}
