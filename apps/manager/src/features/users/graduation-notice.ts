/** What a student of a class that graduates this year (or earlier) is told: until when their account stays open. */
import type { User } from "@director/domain/user";

export interface GraduationNotice {
  graduationYear: number;
  /** `YYYY-MM-DD`: the last day administrators keep the class's accounts open (DIRECTOR_GRADUATES_OPEN_UNTIL) */
  accountOpenUntil: string;
}

/**
 * A notice for an active student whose graduation year has come (`now`'s year or before), else null. `openUntil`
 * is the month and day, `MM-DD`, in the graduation year.
 */
export function graduationNotice(
  user: Pick<User, "role" | "graduationYear" | "isActive">,
  now: Date,
  openUntil: string,
): GraduationNotice | null {
  if (user.role !== "student" || !user.isActive || user.graduationYear === null) return null;
  if (now.getUTCFullYear() < user.graduationYear) return null;
  return { graduationYear: user.graduationYear, accountOpenUntil: `${user.graduationYear}-${openUntil}` };
}
