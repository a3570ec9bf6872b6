/** Courses: a teacher's classes, their rosters and their end. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

export interface NewCourse {
  name: string;
  title: string;
  siteType: "static" | "dynamic";
  siteNamePattern: string;
  image?: string;
  templateSite?: string;
}

export function coursesApi(http: Http) {
  return {
    list: () => callRoute(http, "courses", "list"),
    get: (course: string) => callRoute(http, "courses", "get", { params: { course } }),
    create: (course: NewCourse) => callRoute(http, "courses", "create", { json: course }),
    /** what the roster would do; changes nothing */
    preview: (course: string, roster: string) =>
      callRoute(http, "courses", "preview", { params: { course }, json: { roster } }),
    provision: (course: string, roster: string) =>
      callRoute(http, "courses", "provision", { params: { course }, json: { roster } }),
    remove: (course: string, confirm: string) =>
      callRoute(http, "courses", "remove", { params: { course }, json: { confirm } }),
  };
}
