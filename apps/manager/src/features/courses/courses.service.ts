import type {
  CourseStudentView,
  CourseView,
  CreateCourseRequest,
  RosterReport,
} from "@director/contracts/manager-routes-courses";
import type { AuditRepository } from "@director/db/audit.repository";
import type { CourseStudentRow, CoursesRepository } from "@director/db/courses.repository";
import type { OperationsRepository } from "@director/db/operations.repository";
import type { SitesRepository } from "@director/db/sites.repository";
import type { UsersRepository } from "@director/db/users.repository";
import type { Actor } from "@director/domain/actor";
import { type CourseRecord, parseCourseName, parseSiteNamePattern } from "@director/domain/course";
import { DirectorError, isDirectorError } from "@director/domain/errors";
import { maxRosterChars, parseRoster } from "@director/domain/roster";
import type { SiteId } from "@director/domain/site";
import type { ReservedSiteNames } from "@director/domain/site-name";
import type { Wakeup } from "../../adapters/wakeup.js";
import type { ImagesService } from "../images/images.service.js";
import { type CreateSiteInput, operationPlans } from "../operations/operation-plans.js";
import { recordNewSite } from "../sites/record-new-site.js";
import type { SitesService } from "../sites/sites.service.js";
import { canManageCourse, canRunCourses } from "./courses.policy.js";
import { countRows, type PlannedSite, planRoster, siteNamesOf } from "./roster-plan.js";

/** Repositories bound to one transaction. */
export interface CourseRepositories {
  courses: Pick<CoursesRepository, "create" | "enroll" | "delete">;
  users: Pick<UsersRepository, "findOrInviteStudent">;
  sites: Pick<SitesRepository, "create">;
  operations: Pick<OperationsRepository, "create">;
  audit: Pick<AuditRepository, "record">;
}

export interface CoursesServiceDeps {
  courses: Pick<CoursesRepository, "findByName" | "list" | "students" | "rosterFacts" | "sites">;
  /** the template site, found with the site policy (the teacher must see it) */
  sites: Pick<SitesService, "findForAction">;
  images: Pick<ImagesService, "findForAction">;
  reservedNames: ReservedSiteNames;
  wakeup: Wakeup;
  inTransaction<T>(work: (repos: CourseRepositories) => Promise<T>): Promise<T>;
}

/**
 * Courses: a teacher's class, one project site per student. Provisioning reads the roster, plans every row against
 * the database, then makes each new site in its own transaction (account invited, site and its members, its create
 * operation, the enrolment), so one refused row never spoils the others and a roster uploaded again makes only what
 * is missing. The worker then runs the operations like any other.
 */
export class CoursesService {
  readonly #deps: CoursesServiceDeps;

  constructor(deps: CoursesServiceDeps) {
    this.#deps = deps;
  }

  async list(actor: Actor) {
    assertMayRunCourses(actor);
    return this.#deps.courses.list(actor.isSuperuser ? null : actor.id);
  }

  async create(actor: Actor, request: CreateCourseRequest): Promise<CourseView> {
    assertMayRunCourses(actor);
    const name = parseCourseName(request.name);
    const siteNamePattern = parseSiteNamePattern(request.siteNamePattern, name);
    if (request.image !== undefined && request.siteType !== "dynamic") {
      const message = "Only a dynamic course's sites run an image; choose dynamic or leave the image out.";
      throw new DirectorError("VALIDATION_FAILED", message, { details: { fields: { image: message } } });
    }
    const image =
      request.image === undefined ? null : await this.#deps.images.findForAction(actor, request.image, "use");
    const template =
      request.templateSite === undefined
        ? null
        : await this.#deps.sites.findForAction(actor, request.templateSite, "edit_files");
    await this.#deps.inTransaction(async ({ courses, audit }) => {
      await courses.create({
        name,
        title: request.title.trim(),
        siteNamePattern,
        siteType: request.siteType,
        imageId: image?.id ?? null,
        templateSiteId: template?.id ?? null,
        ownerId: actor.id,
      });
      await audit.record({
        actorUserId: actor.id,
        action: "course.create",
        target: `course:${name}`,
        details: { siteNamePattern, siteType: request.siteType, image: image?.name, templateSite: template?.name },
      });
    });
    return this.get(actor, name);
  }

  async get(actor: Actor, courseName: string): Promise<CourseView> {
    const course = await this.#find(actor, courseName);
    const students = await this.#deps.courses.students(course.id);
    return {
      name: course.name,
      title: course.title,
      owner: course.ownerUsername,
      siteType: course.siteType,
      siteNamePattern: course.siteNamePattern,
      image: course.imageName,
      templateSite: course.templateSiteName,
      createdAt: course.createdAt.toISOString(),
      students: students.map(studentView),
    };
  }

  /** What uploading the roster would do; changes nothing. */
  async preview(actor: Actor, courseName: string, rosterText: string): Promise<RosterReport> {
    const course = await this.#find(actor, courseName);
    const { rows } = await this.#plan(course, rosterText);
    return { rows, counts: countRows(rows) };
  }

  /**
   * Provisions the roster: each planned site in its own transaction; a row that fails meanwhile (a name taken since
   * the plan) is reported refused with its code. One wakeup for the worker at the end.
   */
  async provision(actor: Actor, courseName: string, rosterText: string): Promise<RosterReport> {
    const course = await this.#find(actor, courseName);
    const { rows, toCreate } = await this.#plan(course, rosterText);
    const operationInput = await this.#operationInput(actor, course);
    for (const planned of toCreate) {
      const row = rows.find(
        (candidate) => candidate.line === planned.student.line && candidate.site === planned.siteName,
      );
      try {
        await this.#createSite(actor, course, planned, operationInput);
      } catch (error) {
        if (!isDirectorError(error) || error.kind !== "user" || row === undefined) throw error;
        Object.assign(row, { action: "refused", code: error.code, message: error.message });
      }
    }
    await this.#deps.inTransaction(async ({ audit }) => {
      await audit.record({
        actorUserId: actor.id,
        action: "course.provision",
        target: `course:${course.name}`,
        details: countRows(rows),
      });
    });
    if (toCreate.length > 0) this.#deps.wakeup.notify();
    return { rows, counts: countRows(rows) };
  }

  /**
   * The end of a course: queues the deletion of every student site (each in its own transaction: a site busy with
   * another operation is reported, the others go on) and, when none was busy, removes the course.
   */
  async remove(actor: Actor, courseName: string, confirm: string): Promise<{ deleting: string[]; busy: string[] }> {
    const course = await this.#find(actor, courseName);
    if (confirm.trim() !== course.name) {
      const message = `Type the course's name, "${course.name}", to remove its sites.`;
      throw new DirectorError("CONFIRMATION_MISMATCH", message, { details: { fields: { confirm: message } } });
    }
    const deleting: string[] = [];
    const busy: string[] = [];
    for (const site of await this.#deps.courses.sites(course.id)) {
      try {
        await this.#deps.inTransaction(async ({ operations, audit }) => {
          await operations.create({
            siteId: site.id,
            siteName: site.name,
            kind: "delete_site",
            createdBy: actor.id,
            steps: operationPlans.delete_site.map(({ slug, name }) => ({ slug, name })),
          });
          await audit.record({
            actorUserId: actor.id,
            action: "site.delete",
            target: `site:${site.name}`,
            details: { course: course.name },
          });
        });
        deleting.push(site.name);
      } catch (error) {
        if (!isDirectorError(error) || error.code !== "SITE_BUSY") throw error;
        busy.push(site.name);
      }
    }
    await this.#deps.inTransaction(async ({ courses, audit }) => {
      if (busy.length === 0) await courses.delete(course.id);
      await audit.record({
        actorUserId: actor.id,
        action: "course.remove",
        target: `course:${course.name}`,
        details: { deleting: deleting.length, busy },
      });
    });
    if (deleting.length > 0) this.#deps.wakeup.notify();
    return { deleting, busy };
  }

  async #find(actor: Actor, courseName: string): Promise<CourseRecord> {
    assertMayRunCourses(actor);
    const course = await this.#deps.courses.findByName(courseName);
    if (course === null || !canManageCourse(actor, course)) {
      throw new DirectorError("COURSE_NOT_FOUND", `No course named "${courseName}" is yours.`);
    }
    return course;
  }

  async #plan(course: CourseRecord, rosterText: string) {
    if (rosterText.length > maxRosterChars) {
      throw new DirectorError("ROSTER_TOO_LARGE", `A roster holds at most ${maxRosterChars} characters; split it.`);
    }
    const roster = parseRoster(rosterText);
    const siteNames = [...siteNamesOf(course, roster).values()].filter((name) => typeof name === "string");
    const facts = await this.#deps.courses.rosterFacts(
      course.id,
      roster.students.map((student) => student.username),
      siteNames,
    );
    return planRoster(course, roster, facts, this.#deps.reservedNames);
  }

  /** What each new site's operation is queued with: the course's template and image, as they are now. */
  async #operationInput(actor: Actor, course: CourseRecord): Promise<CreateSiteInput | undefined> {
    const input: CreateSiteInput = {};
    if (course.templateSiteId !== null) input.templateSiteId = course.templateSiteId;
    if (course.siteType === "dynamic" && course.imageName !== null) {
      const image = await this.#deps.images.findForAction(actor, course.imageName, "use");
      input.imageId = image.id;
      input.packages = [];
      // a template brings its own run.sh; without one, the image's template gives the student a start
      input.writeRunScript = course.templateSiteId === null && image.runShTemplate.trim() !== "";
    }
    return Object.keys(input).length === 0 ? undefined : input;
  }

  async #createSite(
    actor: Actor,
    course: CourseRecord,
    planned: PlannedSite,
    operationInput: CreateSiteInput | undefined,
  ): Promise<void> {
    const { student, siteName } = planned;
    await this.#deps.inTransaction(async ({ courses, users, sites, operations, audit }) => {
      const { user, isInvited } = await users.findOrInviteStudent(student.username, student);
      if (isInvited) {
        await audit.record({
          actorUserId: actor.id,
          action: "user.invite",
          target: `user:${user.username}`,
          details: { course: course.name },
        });
      }
      const { site } = await recordNewSite(
        { sites, operations, audit },
        {
          name: siteName,
          type: course.siteType,
          purpose: "project",
          description: `${course.title}: ${student.displayName ?? student.username}`,
          memberIds: [...new Set([course.ownerId, user.id])],
          createdBy: actor.id,
          auditDetails: { course: course.name },
          ...(operationInput === undefined ? {} : { operationInput }),
        },
      );
      await courses.enroll(course.id, user.id, site.id as SiteId);
    });
  }
}

function assertMayRunCourses(actor: Actor): void {
  if (!canRunCourses(actor)) {
    throw new DirectorError("FORBIDDEN", "Courses are for teachers and administrators.");
  }
}

function studentView(row: CourseStudentRow): CourseStudentView {
  const isDeleting = row.operationKind === "delete_site" && row.operationStatus !== "failed";
  const state: CourseStudentView["state"] =
    row.siteId === null
      ? "gone"
      : isDeleting
        ? "removing"
        : row.isReady
          ? "ready"
          : row.operationStatus === "failed"
            ? "failed"
            : "creating";
  return {
    username: row.username,
    displayName: row.displayName,
    isInvited: row.isInvited,
    site: row.siteName,
    state,
    operationId: row.operationId,
    error: state === "failed" ? row.operationError : null,
  };
}
