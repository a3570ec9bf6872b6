import { type Kysely, sql } from "kysely";

/**
 * A site's own domains (issue 11). Each row is one domain and where its certificate stands; a domain belongs to one
 * site at most (the unique index is what refuses a second claim, also between two requests racing). The site row
 * carries the list of its domains and of those served over HTTPS, kept by a trigger: what a site is served at is then
 * read with the site, by every path that reads sites (the worker's specs, reconcile, the site page), and a change of
 * a domain bumps the site's revision, so an open site page reads it again. A domain being removed while its site was
 * busy keeps its row (status 'removing', no longer served) until the operation that removes it is queued.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("site_domains")
    .addColumn("id", "serial", (col) => col.primaryKey())
    .addColumn("site_id", "integer", (col) => col.notNull().references("sites.id").onDelete("cascade"))
    .addColumn("domain", "text", (col) => col.notNull())
    .addColumn("status", "text", (col) => col.notNull().defaultTo("waiting_dns"))
    .addColumn("status_message", "text", (col) => col.notNull().defaultTo(""))
    .addColumn("certificate_not_after", "timestamptz")
    .addColumn("failures", "integer", (col) => col.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "timestamptz")
    // When administrators were told of the current failure, and of the current certificate nearing its expiry
    // (null: not yet); a success, or a new certificate, clears them.
    .addColumn("failure_alerted_at", "timestamptz")
    .addColumn("expiry_alerted_at", "timestamptz")
    .addColumn("created_by", "integer", (col) => col.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      "site_domains_status",
      sql`status IN ('waiting_dns', 'issuing', 'active', 'failed', 'removing')`,
    )
    .execute();
  await db.schema.createIndex("site_domains_domain").unique().on("site_domains").column("domain").execute();
  await db.schema.createIndex("site_domains_site").on("site_domains").column("site_id").execute();
  // The checker's claim (next_attempt_at <= now, oldest first) at any number of domains; most have none due.
  await db.schema
    .createIndex("site_domains_due")
    .on("site_domains")
    .column("next_attempt_at")
    .where(sql.ref("next_attempt_at"), "is not", null)
    .execute();
  await db.schema
    .alterTable("sites")
    .addColumn("domains", sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn("https_domains", sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  await sql`
    CREATE FUNCTION director_sync_site_domains(target integer) RETURNS void LANGUAGE sql AS $$
      UPDATE sites SET
        domains = coalesce((SELECT array_agg(domain ORDER BY domain) FROM site_domains
          WHERE site_id = target AND status <> 'removing'), '{}'),
        https_domains = coalesce((SELECT array_agg(domain ORDER BY domain) FROM site_domains
          WHERE site_id = target AND status = 'active' AND certificate_not_after IS NOT NULL), '{}')
      WHERE id = target
    $$`.execute(db);
  await sql`
    CREATE FUNCTION director_site_domains_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN PERFORM director_sync_site_domains(OLD.site_id); END IF;
      IF TG_OP IN ('UPDATE', 'INSERT') AND (TG_OP = 'INSERT' OR NEW.site_id <> OLD.site_id) THEN
        PERFORM director_sync_site_domains(NEW.site_id);
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER site_domains_sync_site AFTER INSERT OR UPDATE OR DELETE ON site_domains
    FOR EACH ROW EXECUTE FUNCTION director_site_domains_changed()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER site_domains_sync_site ON site_domains`.execute(db);
  await sql`DROP FUNCTION director_site_domains_changed()`.execute(db);
  await sql`DROP FUNCTION director_sync_site_domains(integer)`.execute(db);
  await db.schema.alterTable("sites").dropColumn("domains").dropColumn("https_domains").execute();
  await db.schema.dropTable("site_domains").execute();
}
