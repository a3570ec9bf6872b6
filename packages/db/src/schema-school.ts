/** The tables of courses (migration 0023) and renamed sites' former names (0024), beside schema.ts. */
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

/** A renamed site's former name (0024), redirected to its current name until it expires. */
export interface SiteFormerNamesTable {
  name: string;
  site_id: number;
  /** moved on when the site takes the same name back and gives it up again */
  renamed_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: Date;
}
