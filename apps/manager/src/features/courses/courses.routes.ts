import { courseRoutes } from "@director/contracts/manager-routes-courses";
import type { FastifyInstance } from "fastify";
import { registerApiRoute } from "../../http/api-routes.js";
import type { CoursesService } from "./courses.service.js";

/** /api/courses: a teacher's courses, their rosters and their end (contracts/manager-routes-courses.ts). */
export function registerCourseRoutes(app: FastifyInstance, deps: { courses: CoursesService }): void {
  const { courses } = deps;

  registerApiRoute(app, courseRoutes.list, async ({ actor }) => ({
    courses: (await courses.list(actor)).map((course) => ({
      name: course.name,
      title: course.title,
      owner: course.ownerUsername,
      students: course.students,
      sitesReady: course.sitesReady,
      createdAt: course.createdAt.toISOString(),
    })),
  }));

  registerApiRoute(app, courseRoutes.create, async ({ actor, body, reply }) => {
    reply.status(201);
    return courses.create(actor, body);
  });

  registerApiRoute(app, courseRoutes.get, async ({ actor, params }) => courses.get(actor, params.course));

  registerApiRoute(app, courseRoutes.preview, async ({ actor, params, body }) =>
    courses.preview(actor, params.course, body.roster),
  );

  registerApiRoute(app, courseRoutes.provision, async ({ actor, params, body }) =>
    courses.provision(actor, params.course, body.roster),
  );

  registerApiRoute(app, courseRoutes.remove, async ({ actor, params, body }) =>
    courses.remove(actor, params.course, body.confirm),
  );
}
