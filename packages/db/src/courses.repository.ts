/** Courses and their students' sites (migration 0023). */
import type { CourseName, CourseRecord } from "@director/domain/course";
import { DirectorError } from "@director/domain/errors";
import type { SiteId } from "@director/domain/site";
import { constraintNames } from "./constraint-names.js";
import type { DatabaseHandle } from "./database.js";
import { isUniqueViolation } from "./database-errors.js";

export interface NewCourse {
  name: CourseName;
  title: string;
  siteNamePattern: string;
  siteType: "static" | "dynamic";
  imageId: number | null;
  templateSiteId: number | null;
  ownerId: number;
}

/** A course in a list, with how many students it has and how many of their sites are served. */
export interface CourseSummary {
  name: string;
  title: string;
  ownerUsername: string;
  students: number;
  sitesReady: number;
  createdAt: Date;
}

/** A student of a course, their site and the state of the site's latest operation. */
export interface CourseStudentRow {
  username: string;
  displayName: string;
  /** never logged in */
  isInvited: boolean;
  siteId: number | null;
  siteName: string | null;
  isReady: boolean;
  operationId: number | null;
  operationKind: string | null;
  operationStatus: string | null;
  operationError: string | null;
}

/** What the database already holds for the rows of a roster. */
export interface RosterFacts {
  /** students of the course with a site, by username */
  enrolled: Map<string, { siteName: string }>;
  /** existing accounts, by username */
  accounts: Map<string, { isActive: boolean; role: string }>;
  /** site names among those asked about that a site has already */
  takenSiteNames: Set<string>;
}

export class CoursesRepository {
  readonly #db: DatabaseHandle;

  constructor(db: DatabaseHandle) {
    this.#db = db;
  }

  /** COURSE_NAME_TAKEN when the name is in use. */
  async create(course: NewCourse): Promise<number> {
    try {
      const row = await this.#db
        .insertInto("courses")
        .values({
          name: course.name,
          title: course.title,
          site_name_pattern: course.siteNamePattern,
          site_type: course.siteType,
          image_id: course.imageId,
          template_site_id: course.templateSiteId,
          owner_id: course.ownerId,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    } catch (error) {
      if (isUniqueViolation(error, constraintNames.coursesName)) {
        throw new DirectorError(
          "COURSE_NAME_TAKEN",
          `A course named "${course.name}" exists already; choose another name.`,
          {
            cause: error,
            details: { fields: { name: "taken" } },
          },
        );
      }
      throw error;
    }
  }

  async findByName(name: string): Promise<CourseRecord | null> {
    const row = await this.#db
      .selectFrom("courses")
      .innerJoin("users as owner", "owner.id", "courses.owner_id")
      .leftJoin("images", "images.id", "courses.image_id")
      .leftJoin("sites as template", "template.id", "courses.template_site_id")
      .select([
        "courses.id",
        "courses.name",
        "courses.title",
        "courses.site_name_pattern",
        "courses.site_type",
        "courses.image_id",
        "images.name as image_name",
        "courses.template_site_id",
        "template.name as template_site_name",
        "courses.owner_id",
        "owner.username as owner_username",
        "courses.created_at",
      ])
      .where("courses.name", "=", name)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      name: row.name as CourseName,
      title: row.title,
      siteNamePattern: row.site_name_pattern,
      siteType: row.site_type,
      imageId: row.image_id,
      imageName: row.image_name,
      templateSiteId: row.template_site_id,
      templateSiteName: row.template_site_name,
      ownerId: row.owner_id,
      ownerUsername: row.owner_username,
      createdAt: row.created_at,
    };
  }

  /** Courses by name: every course (ownerId null, for administrators) or one teacher's. */
  async list(ownerId: number | null): Promise<CourseSummary[]> {
    let query = this.#db
      .selectFrom("courses")
      .innerJoin("users as owner", "owner.id", "courses.owner_id")
      .leftJoin("course_students", "course_students.course_id", "courses.id")
      .leftJoin("sites", "sites.id", "course_students.site_id")
      .select((eb) => [
        "courses.name",
        "courses.title",
        "owner.username as owner_username",
        "courses.created_at",
        eb.fn.count<string>("course_students.user_id").as("students"),
        eb.fn.count<string>("sites.ready_at").as("sites_ready"),
      ])
      .groupBy(["courses.id", "owner.username"])
      .orderBy("courses.name");
    if (ownerId !== null) query = query.where("courses.owner_id", "=", ownerId);
    const rows = await query.execute();
    return rows.map((row) => ({
      name: row.name,
      title: row.title,
      ownerUsername: row.owner_username,
      students: Number(row.students),
      sitesReady: Number(row.sites_ready),
      createdAt: row.created_at,
    }));
  }

  /** The course's students by username, each with their site and its latest operation. */
  async students(courseId: number): Promise<CourseStudentRow[]> {
    const rows = await this.#db
      .selectFrom("course_students")
      .innerJoin("users", "users.id", "course_students.user_id")
      .leftJoin("sites", "sites.id", "course_students.site_id")
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom("operations")
            .select(["operations.id", "operations.kind", "operations.status", "operations.error"])
            .whereRef("operations.site_id", "=", "course_students.site_id")
            .orderBy("operations.id", "desc")
            .limit(1)
            .as("latest"),
        (join) => join.onTrue(),
      )
      .select([
        "users.username",
        "users.display_name",
        "users.last_login_at",
        "course_students.site_id",
        "sites.name as site_name",
        "sites.ready_at",
        "latest.id as operation_id",
        "latest.kind as operation_kind",
        "latest.status as operation_status",
        "latest.error as operation_error",
      ])
      .where("course_students.course_id", "=", courseId)
      .orderBy("users.username")
      .execute();
    return rows.map((row) => ({
      username: row.username,
      displayName: row.display_name,
      isInvited: row.last_login_at === null,
      siteId: row.site_id,
      siteName: row.site_name,
      isReady: row.ready_at !== null,
      operationId: row.operation_id,
      operationKind: row.operation_kind,
      operationStatus: row.operation_status,
      operationError: row.operation_error,
    }));
  }

  /** What already exists for a roster's usernames and the site names they would get, in three queries. */
  async rosterFacts(
    courseId: number,
    usernames: readonly string[],
    siteNames: readonly string[],
  ): Promise<RosterFacts> {
    const facts: RosterFacts = { enrolled: new Map(), accounts: new Map(), takenSiteNames: new Set() };
    if (usernames.length > 0) {
      const enrolled = await this.#db
        .selectFrom("course_students")
        .innerJoin("users", "users.id", "course_students.user_id")
        .innerJoin("sites", "sites.id", "course_students.site_id")
        .select(["users.username", "sites.name"])
        .where("course_students.course_id", "=", courseId)
        .where("users.username", "in", usernames)
        .execute();
      for (const row of enrolled) facts.enrolled.set(row.username, { siteName: row.name });
      const accounts = await this.#db
        .selectFrom("users")
        .select(["username", "is_active", "role"])
        .where("username", "in", usernames)
        .execute();
      for (const row of accounts) facts.accounts.set(row.username, { isActive: row.is_active, role: row.role });
    }
    if (siteNames.length > 0) {
      const taken = await this.#db.selectFrom("sites").select("name").where("name", "in", siteNames).execute();
      for (const row of taken) facts.takenSiteNames.add(row.name);
    }
    return facts;
  }

  /** Records a student's site (a re-enrolled student whose site was gone gets the new one). */
  async enroll(courseId: number, userId: number, siteId: SiteId): Promise<void> {
    await this.#db
      .insertInto("course_students")
      .values({ course_id: courseId, user_id: userId, site_id: siteId })
      .onConflict((conflict) => conflict.columns(["course_id", "user_id"]).doUpdateSet({ site_id: siteId }))
      .execute();
  }

  /** The sites of the course's students that still exist. */
  async sites(courseId: number): Promise<Array<{ id: SiteId; name: string }>> {
    const rows = await this.#db
      .selectFrom("course_students")
      .innerJoin("sites", "sites.id", "course_students.site_id")
      .select(["sites.id", "sites.name"])
      .where("course_students.course_id", "=", courseId)
      .orderBy("sites.name")
      .execute();
    return rows.map((row) => ({ id: row.id as SiteId, name: row.name }));
  }

  async delete(courseId: number): Promise<void> {
    await this.#db.deleteFrom("courses").where("id", "=", courseId).execute();
  }
}
