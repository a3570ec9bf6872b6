/**
 * What a roster asks of a course, row by row, against what the database holds: the preview a teacher reads before
 * anything happens, and the list provisioning follows. Pure: the facts are read before.
 */
import type { RosterRowView } from "@director/contracts/manager-routes-courses";
import type { RosterFacts } from "@director/db/courses.repository";
import type { CourseRecord } from "@director/domain/course";
import { siteNameFor } from "@director/domain/course";
import { isDirectorError } from "@director/domain/errors";
import type { Roster, RosterStudent } from "@director/domain/roster";
import { assertSiteNameAllowed, type ReservedSiteNames, type SiteName } from "@director/domain/site-name";

/** A row to provision: the student and the site they get. */
export interface PlannedSite {
  student: RosterStudent;
  siteName: SiteName;
}

/** The site name each valid row would get; a row whose name is no site name is refused in planRoster. */
export function siteNamesOf(course: CourseRecord, roster: Roster): Map<string, SiteName | Error> {
  const names = new Map<string, SiteName | Error>();
  for (const student of roster.students) {
    try {
      names.set(student.username, siteNameFor(course.siteNamePattern, course.name, student.username));
    } catch (error) {
      names.set(student.username, error as Error);
    }
  }
  return names;
}

export function planRoster(
  course: CourseRecord,
  roster: Roster,
  facts: RosterFacts,
  reservedNames: ReservedSiteNames,
): { rows: RosterRowView[]; toCreate: PlannedSite[] } {
  const rows: RosterRowView[] = roster.problems.map((problem) => ({
    line: problem.line,
    username: null,
    displayName: null,
    site: null,
    action: "refused",
    account: null,
    code: problem.code,
    message: problem.message,
  }));
  const toCreate: PlannedSite[] = [];
  const names = siteNamesOf(course, roster);
  const namesInRoster = new Set<string>();
  for (const student of roster.students) {
    const base = { line: student.line, username: student.username, displayName: student.displayName };
    const account = facts.accounts.get(student.username);
    const accountState = account === undefined ? ("new" as const) : ("existing" as const);
    const refuse = (code: string, message: string, site: string | null = null) =>
      rows.push({ ...base, site, action: "refused", account: accountState, code, message });
    const enrolled = facts.enrolled.get(student.username);
    if (enrolled !== undefined) {
      rows.push({
        ...base,
        site: enrolled.siteName,
        action: "exists",
        account: "existing",
        code: null,
        message: `${student.username} has their site ${enrolled.siteName} already.`,
      });
      continue;
    }
    if (account !== undefined && !account.isActive) {
      refuse("ACCOUNT_DISABLED", `${student.username}'s account is disabled; an administrator may enable it.`);
      continue;
    }
    const siteName = names.get(student.username);
    if (siteName === undefined || siteName instanceof Error) {
      refuse("SITE_NAME_INVALID", `The site name for ${student.username} is no site name: ${siteName?.message ?? ""}`);
      continue;
    }
    try {
      assertSiteNameAllowed(siteName, reservedNames);
    } catch (error) {
      if (!isDirectorError(error)) throw error;
      refuse(error.code, error.message, siteName);
      continue;
    }
    if (facts.takenSiteNames.has(siteName) || namesInRoster.has(siteName)) {
      refuse("SITE_NAME_TAKEN", `A site named ${siteName} exists already; change the course's pattern.`, siteName);
      continue;
    }
    namesInRoster.add(siteName);
    rows.push({
      ...base,
      site: siteName,
      action: "create",
      account: accountState,
      code: null,
      message:
        accountState === "new"
          ? `${student.username} is invited and gets ${siteName}.`
          : `${student.username} gets ${siteName}.`,
    });
    toCreate.push({ student, siteName });
  }
  rows.sort((a, b) => a.line - b.line);
  return { rows, toCreate };
}

export function countRows(rows: readonly RosterRowView[]) {
  const count = (action: RosterRowView["action"]) => rows.filter((row) => row.action === action).length;
  return { create: count("create"), exists: count("exists"), refused: count("refused") };
}
