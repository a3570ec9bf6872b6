import { type Kysely, sql } from "kysely";

/**
 * The site list at 10,000 sites (issue 10, bench/scale): what grew with the number of sites on every page.
 *
 * - The search without case folding at read time. `description ILIKE '%word%'` folds every description's case on
 *   every search (about 5 ms for 10,000 sites on these machines, per term), and the trigram index of 0005 does not
 *   help with words every site shares; a lowercase copy kept by PostgreSQL lets `LIKE` compare bytes (about 1 ms).
 *   Names need no copy: they are lowercase by their grammar.
 * - The total of the unfiltered list without counting every site: one row kept by statement triggers (one update per
 *   statement that adds or removes sites, whatever the number of rows).
 * - A page far down the list without reading the rows it skips: the (name, id) index lets PostgreSQL skip them in
 *   the index alone, then read only the page's rows.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations describe the schema as it was then (see 0001)
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE sites ADD COLUMN description_lower text NOT NULL
    GENERATED ALWAYS AS (lower(description)) STORED`.execute(db);
  // Searches no longer compare `description` itself: its trigram index would only cost every write.
  await db.schema.dropIndex("sites_description_trgm_idx").ifExists().execute();

  await sql`CREATE INDEX sites_name_id_idx ON sites (name) INCLUDE (id)`.execute(db);

  // One row (the key can only be true); created with the count of the sites there are.
  await sql`
    CREATE TABLE site_totals (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      site_count bigint NOT NULL CHECK (site_count >= 0)
    )`.execute(db);
  await sql`INSERT INTO site_totals (site_count) SELECT count(*) FROM sites`.execute(db);
  await sql`
    CREATE FUNCTION director_count_sites() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        UPDATE site_totals SET site_count = site_count + (SELECT count(*) FROM added_sites);
      ELSIF TG_OP = 'DELETE' THEN
        UPDATE site_totals SET site_count = site_count - (SELECT count(*) FROM removed_sites);
      ELSE
        UPDATE site_totals SET site_count = 0;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER sites_count_added AFTER INSERT ON sites REFERENCING NEW TABLE AS added_sites
    FOR EACH STATEMENT EXECUTE FUNCTION director_count_sites()`.execute(db);
  await sql`
    CREATE TRIGGER sites_count_removed AFTER DELETE ON sites REFERENCING OLD TABLE AS removed_sites
    FOR EACH STATEMENT EXECUTE FUNCTION director_count_sites()`.execute(db);
  await sql`
    CREATE TRIGGER sites_count_truncated AFTER TRUNCATE ON sites
    FOR EACH STATEMENT EXECUTE FUNCTION director_count_sites()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: see up
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER sites_count_truncated ON sites`.execute(db);
  await sql`DROP TRIGGER sites_count_removed ON sites`.execute(db);
  await sql`DROP TRIGGER sites_count_added ON sites`.execute(db);
  await sql`DROP FUNCTION director_count_sites()`.execute(db);
  await db.schema.dropTable("site_totals").execute();
  await db.schema.dropIndex("sites_name_id_idx").execute();
  await sql`create index sites_description_trgm_idx on sites using gin (description gin_trgm_ops)`.execute(db);
  await db.schema.alterTable("sites").dropColumn("description_lower").execute();
}
