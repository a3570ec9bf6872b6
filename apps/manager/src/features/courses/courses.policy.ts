import type { Actor } from "@director/domain/actor";

/** Teachers run courses for their students; administrators run any course. Students and service accounts none. */
export function canRunCourses(actor: Actor): boolean {
  return actor.isSuperuser || actor.role === "teacher";
}

/**
 * A course is its owner's and administrators'. Anyone else is told it does not exist (its name says which students
 * take it).
 */
export function canManageCourse(actor: Actor, course: { ownerId: number }): boolean {
  return actor.isSuperuser || (actor.role === "teacher" && course.ownerId === actor.id);
}
