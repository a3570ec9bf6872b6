/**
 * The site list (`GET /api/sites`, with or without a search): a page of sites with what the list shows of each (its
 * members, its current operation without steps, its image's name) and how many match in all, in one statement.
 *
 * Why: the list was six queries (page, count, members, operations, their steps, image names), and on 10,000 sites
 * its cost was the manager's, not PostgreSQL's: each round trip's socket writes, ~250 step rows a page parsed with
 * their timestamps (twice, into dates and back into text) and the garbage they left (bench/scale: ~140 lists a second
 * on two cores). PostgreSQL now assembles each site's details in its row, and the list leaves the steps to the
 * operation's own page.
 */
import type { OperationStatus, OperationSummary } from "@director/domain/operation";
import type { SiteId, SiteRecord } from "@director/domain/site";
import type { SiteName } from "@director/domain/site-name";
import { escapeLikePattern, type SiteSearch } from "@director/domain/site-search";
import { type ExpressionBuilder, sql } from "kysely";
import type { DatabaseHandle } from "./database.js";
import type { DB } from "./schema.js";
import { toSite } from "./sites.repository.js";

/** One site of the list with what the list shows of it. */
export interface SiteListEntry {
  site: SiteRecord;
  /** usernames, sorted */
  members: string[];
  /** the operation running on the site now, else its last one (a failure stays visible); null when none */
  operation: OperationSummary | null;
  /** the name of the site's chosen image; null for the default image */
  imageName: string | null;
}

/** What the list asks: whose list, which sites (every term must match; see parseSiteSearch) and which page. */
export interface SiteListQuery {
  userId: number;
  isSuperuser: boolean;
  search: SiteSearch;
  limit: number;
  offset: number;
}

/** The operation as json_build_object renders it below: timestamps as ISO 8601 text. */
interface OperationJson {
  id: number;
  siteId: number | null;
  siteName: string;
  kind: string;
  status: OperationStatus;
  createdBy: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  input: Record<string, unknown> | null;
}

const dateOrNull = (text: string | null) => (text === null ? null : new Date(text));

function toOperationSummary(json: OperationJson): OperationSummary {
  return {
    ...json,
    siteId: json.siteId as SiteId | null,
    siteName: json.siteName as SiteName,
    createdAt: new Date(json.createdAt),
    startedAt: dateOrNull(json.startedAt),
    finishedAt: dateOrNull(json.finishedAt),
    leaseExpiresAt: dateOrNull(json.leaseExpiresAt),
  };
}

/**
 * The site's current operation: its unfinished one (the partial unique index finds it), else its newest (the
 * (site_id, id) index, backwards).
 */
const currentOperationJson = sql<OperationJson | null>`(
  select json_build_object(
    'id', o.id, 'siteId', o.site_id, 'siteName', o.site_name, 'kind', o.kind, 'status', o.status,
    'createdBy', o.created_by, 'createdAt', o.created_at, 'startedAt', o.started_at, 'finishedAt', o.finished_at,
    'error', o.error, 'leaseOwner', o.lease_owner, 'leaseExpiresAt', o.lease_expires_at, 'input', o.input)
  from operations o
  where o.id = coalesce(
    (select a.id from operations a where a.site_id = s.id and a.status in ('pending', 'running') limit 1),
    (select l.id from operations l where l.site_id = s.id order by l.id desc limit 1)))`;

const memberNames = sql<string[]>`array(
  select u.username from site_members m join users u on u.id = m.user_id where m.site_id = s.id order by u.username)`;

const imageName = sql<string | null>`(select i.name from images i where i.id = s.image_id)`;

/** Reads pages of the site list. */
export class SiteListingQuery {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /**
   * A page of the sites the user may see that match every term of the search, by name, with how many match in all.
   * Values reach SQL only as parameters; LIKE patterns have their wildcards escaped, so `%` matches a percent sign.
   * Matching is case-insensitive: names are lowercase, descriptions are compared through their lowercase copy, and
   * each pattern is lowercased by the same PostgreSQL function.
   */
  async page(
    query: SiteListQuery,
    trx: DatabaseHandle = this.#db,
  ): Promise<{ entries: SiteListEntry[]; total: number }> {
    const { search } = query;
    const contains = (text: string) => sql<string>`lower(${`%${escapeLikePattern(text)}%`})`;
    // `id in (…)` rather than a correlated EXISTS: PostgreSQL runs the subquery once (a hashed set), or, for a
    // person's own sites, starts from their memberships instead of checking every site.
    const membersNamed = (eb: ExpressionBuilder<DB, "sites">, username: string) =>
      eb(
        "sites.id",
        "in",
        eb
          .selectFrom("site_members")
          .innerJoin("users", "users.id", "site_members.user_id")
          .select("site_members.site_id")
          .where("users.username", "=", username),
      );
    const filtered = trx.selectFrom("sites").where((eb) => {
      const terms = [
        ...search.ids.map((id) => eb("sites.id", "=", id)),
        ...search.names.map((name) => eb("sites.name", "like", contains(name))),
        ...search.descriptions.map((text) => eb("sites.description_lower", "like", contains(text))),
        ...search.users.map((username) => membersNamed(eb, username)),
        ...search.words.map((word) =>
          eb.or([
            eb("sites.name", "like", contains(word)),
            eb("sites.description_lower", "like", contains(word)),
            membersNamed(eb, word.toLowerCase()),
          ]),
        ),
      ];
      if (!query.isSuperuser) {
        terms.push(
          eb(
            "sites.id",
            "in",
            eb
              .selectFrom("site_members")
              .select("site_members.site_id")
              .where("site_members.user_id", "=", query.userId),
          ),
        );
      }
      return eb.and(terms);
    });
    const isFiltered = Object.values(search).some((terms) => terms.length > 0) || !query.isSuperuser;
    // Every site: the total is the count the triggers of 0012 keep. A search reads every row it filters anyway: its
    // count comes from that same read.
    const total = isFiltered ? sql<string>`count(*) over ()` : sql<string>`(select site_count from site_totals)`;
    // The page's ids first: the (name, id) index gives them without reading the rows a far page skips.
    const page = filtered
      .select(["sites.id", total.as("total_matching")])
      .orderBy("sites.name")
      .limit(query.limit)
      .offset(query.offset);
    const rows = await trx
      .selectFrom(page.as("p"))
      .innerJoin("sites as s", "s.id", "p.id")
      .selectAll("s")
      .select([
        "p.total_matching",
        memberNames.as("member_names"),
        currentOperationJson.as("current_operation"),
        imageName.as("image_name"),
      ])
      .orderBy("s.name")
      .execute();
    const entries = rows.map(({ total_matching: _total, member_names, current_operation, image_name, ...row }) => ({
      site: toSite(row),
      members: member_names,
      operation: current_operation === null ? null : toOperationSummary(current_operation),
      imageName: image_name,
    }));
    if (rows[0] !== undefined) return { entries, total: Number(rows[0].total_matching) };
    if (query.offset === 0) return { entries, total: 0 };
    // Past the last page: nothing to count the matches from.
    const count = await filtered.select((eb) => eb.fn.countAll<string>().as("total")).executeTakeFirstOrThrow();
    return { entries, total: Number(count.total) };
  }
}
