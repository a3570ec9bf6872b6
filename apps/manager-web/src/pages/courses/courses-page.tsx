import { useQuery } from "@tanstack/react-query";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useApi } from "../../hooks";
import { pathTo } from "../../lib/routes";
import { Link } from "../../router";

/** A teacher's courses (every course for an administrator), each with how many of its sites are served. */
export function CoursesPage() {
  const api = useApi();
  const courses = useQuery({ queryKey: ["courses"], queryFn: () => api.courses.list() });
  return (
    <>
      <div className="page-head">
        <h1>Courses</h1>
        <Link to={pathTo("newCourse")} className="button button-primary">
          New course
        </Link>
      </div>
      <p className="muted">
        A course gives each student on its roster a project site, with you as a member. See{" "}
        <a href="/docs/courses">the guide</a>.
      </p>
      <ErrorBanner error={courses.error} />
      {courses.isPending ? <Loading what="your courses" /> : null}
      {courses.data && courses.data.courses.length === 0 ? <p className="empty">You have no course yet.</p> : null}
      <ul className="cards">
        {courses.data?.courses.map((course) => (
          <li key={course.name} className="card" data-course={course.name}>
            <div className="card-head">
              <h2>
                <Link to={pathTo("course", { course: course.name })}>{course.title}</Link>
              </h2>
              <span className="muted small">{course.name}</span>
            </div>
            <p className="muted small">
              {course.sitesReady} of {course.students} sites served · {course.owner} · made{" "}
              <Time iso={course.createdAt} />
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
