/**
 * Courses (issue 16): a teacher makes a course, uploads its roster (CSV or pasted usernames), previews what will
 * happen, then Director invites the students and makes one project site per student, one operation each. A roster
 * uploaded again makes only what is missing. At the course's end its sites are removed in one step.
 */
import { courseNameMaxLength, defaultSiteNamePattern } from "@director/domain/course";
import { maxRosterChars } from "@director/domain/roster";
import { siteTypes } from "@director/domain/site";
import { z } from "zod";
import { managerPaths } from "./manager-paths.js";
import { route } from "./route.js";
import { text } from "./text.js";

const paths = managerPaths.courses;

export const courseParamsSchema = z.object({ course: text().min(1).max(64) }).strict();

export const createCourseRequestSchema = z
  .object({
    name: text().min(2).max(courseNameMaxLength),
    title: text().min(1).max(200),
    siteType: z.enum(siteTypes).default("static"),
    /** `{course}` and `{username}`; the default makes `cs101-jdoe` */
    siteNamePattern: text().max(64).default(defaultSiteNamePattern),
    /** a published image for a dynamic course's sites; absent: the default image */
    image: text().max(64).optional(),
    /** a site of yours whose files each new student site starts with */
    templateSite: text().max(64).optional(),
  })
  .strict();
export type CreateCourseRequest = z.infer<typeof createCourseRequestSchema>;

export const rosterRequestSchema = z.object({ roster: z.string().max(maxRosterChars) }).strict();

export const courseSummarySchema = z.object({
  name: z.string(),
  title: z.string(),
  owner: z.string(),
  students: z.number().int(),
  sitesReady: z.number().int(),
  createdAt: z.string(),
});

export const courseStudentViewSchema = z.object({
  username: z.string(),
  displayName: z.string(),
  isInvited: z.boolean(),
  /** null once the student's site is gone: uploading the roster again makes it anew */
  site: z.string().nullable(),
  /** creating (its operation queued or running), ready, failed (the operation's error), or gone */
  state: z.enum(["creating", "ready", "failed", "removing", "gone"]),
  operationId: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type CourseStudentView = z.infer<typeof courseStudentViewSchema>;

export const courseViewSchema = z.object({
  name: z.string(),
  title: z.string(),
  owner: z.string(),
  siteType: z.enum(siteTypes),
  siteNamePattern: z.string(),
  image: z.string().nullable(),
  templateSite: z.string().nullable(),
  createdAt: z.string(),
  students: z.array(courseStudentViewSchema),
});
export type CourseView = z.infer<typeof courseViewSchema>;

/** One row of a roster and what uploading it does (preview) or did (provision). */
export const rosterRowViewSchema = z.object({
  line: z.number().int(),
  /** null when the row had no readable username */
  username: z.string().nullable(),
  displayName: z.string().nullable(),
  /** the site the row gets (or has) */
  site: z.string().nullable(),
  /** create: a site is made (and the account invited when new); exists: the student has their site; refused: see code */
  action: z.enum(["create", "exists", "refused"]),
  /** existing: the account exists; new: it is invited by this roster */
  account: z.enum(["existing", "new"]).nullable(),
  /** why a row is refused (USERNAME_INVALID, SITE_NAME_TAKEN, ACCOUNT_DISABLED, …) */
  code: z.string().nullable(),
  message: z.string(),
});
export type RosterRowView = z.infer<typeof rosterRowViewSchema>;

export const rosterReportSchema = z.object({
  rows: z.array(rosterRowViewSchema),
  counts: z.object({ create: z.number().int(), exists: z.number().int(), refused: z.number().int() }),
});
export type RosterReport = z.infer<typeof rosterReportSchema>;

/** POST /api/courses/:course/removal: the course's name typed again */
export const removeCourseRequestSchema = z.object({ confirm: text().max(64) }).strict();

export const courseRoutes = {
  list: route({
    ...paths.list,
    caller: "person",
    summary: "courses: a teacher's own, every course for an administrator (students: 403)",
    answer: z.object({ courses: z.array(courseSummarySchema) }),
    answerKind: "json",
  }),
  create: route({
    ...paths.create,
    caller: "person",
    summary: "make a course (teachers and administrators): its site name pattern, site type, image and template site",
    body: createCourseRequestSchema,
    answer: courseViewSchema,
    answerKind: "json",
  }),
  get: route({
    ...paths.get,
    caller: "person",
    summary: "a course with each student's site and its state (its owner and administrators)",
    params: courseParamsSchema,
    answer: courseViewSchema,
    answerKind: "json",
  }),
  preview: route({
    ...paths.preview,
    caller: "person",
    summary: "what uploading this roster would do, row by row; changes nothing",
    params: courseParamsSchema,
    body: rosterRequestSchema,
    answer: rosterReportSchema,
    answerKind: "json",
  }),
  provision: route({
    ...paths.provision,
    caller: "person",
    summary:
      "upload the roster: invite new accounts and queue one create operation per missing site; bad rows are reported, not fatal; idempotent",
    params: courseParamsSchema,
    body: rosterRequestSchema,
    answer: rosterReportSchema,
    answerKind: "json",
  }),
  remove: route({
    ...paths.remove,
    caller: "person",
    summary:
      "end a course: queue the deletion of every student site and remove the course (confirm: its name typed again)",
    params: courseParamsSchema,
    body: removeCourseRequestSchema,
    answer: z.object({ deleting: z.array(z.string()), busy: z.array(z.string()) }),
    answerKind: "json",
  }),
};
