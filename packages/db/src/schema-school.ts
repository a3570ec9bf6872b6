/** The tables of courses (migration 0023), beside schema.ts. */
import type { ColumnType, Generated } from "kysely";

type CreatedAt = ColumnType<Date, Date | undefined, never>;

/** A teacher's class (0023): one project site per student, named by its pattern. */
export interface CoursesTable {
  id: Generated<number>;
  name: string;
  title: string;
  site_name_pattern: string;
  site_type: "static" | "dynamic";
  image_id: number | null;
  template_site_id: number | null;
  owner_id: number;
  created_at: CreatedAt;
}

/** A student of a course and their site (null once it is gone). */
export interface CourseStudentsTable {
  course_id: number;
  user_id: number;
  site_id: number | null;
  added_at: CreatedAt;
}
