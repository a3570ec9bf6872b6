import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import type { CourseView } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ui";
import { useApi } from "../../hooks";
import { pathTo } from "../../lib/routes";
import { Link } from "../../router";
import { CourseRemoval } from "./course-removal";
import { RosterUpload } from "./roster-upload";

/** How often the page asks again while sites are being made or removed. */
const refreshWhileBusyMs = 2000;

/** One course: its roster (preview, then provision), its students' sites as they are made, and its end. */
export function CoursePage({ name }: { name: string }) {
  const api = useApi();
  const course = useQuery({
    queryKey: ["course", name],
    queryFn: () => api.courses.get(name),
    refetchInterval: (query) =>
      query.state.data?.students.some((student) => student.state === "creating" || student.state === "removing")
        ? refreshWhileBusyMs
        : false,
  });
  if (course.isPending) return <Loading what="the course" />;
  if (!course.data) return <ErrorBanner error={course.error} />;
  const view = course.data;
  return (
    <>
      <div className="page-head">
        <h1>{view.title}</h1>
        <Link to={pathTo("courses")}>All courses</Link>
      </div>
      <p className="muted">
        {view.name} · {view.siteType} sites named {view.siteNamePattern}
        {view.image ? ` · image ${view.image}` : ""}
        {view.templateSite ? ` · starting from ${view.templateSite}` : ""} · {view.owner}
      </p>
      <ErrorBanner error={course.error} />
      <RosterUpload course={view.name} onProvisioned={() => course.refetch()} />
      <CourseStudents course={view} />
      {view.students.some((student) => student.site) ? (
        <CourseRemoval course={view.name} siteCount={view.students.filter((student) => student.site).length} />
      ) : null}
    </>
  );
}

const stateLabels: Record<CourseView["students"][number]["state"], string> = {
  creating: "Being made",
  ready: "Served",
  failed: "Failed",
  removing: "Being removed",
  gone: "Gone (upload the roster again to make it anew)",
};

function CourseStudents({ course }: { course: CourseView }) {
  const headingId = useId();
  const ready = course.students.filter((student) => student.state === "ready").length;
  const total = course.students.length;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>Students</h2>
      {total === 0 ? (
        <p className="empty">No student yet: upload the roster above.</p>
      ) : (
        <>
          <p role="status" data-progress={`${ready}/${total}`}>
            {ready} of {total} sites served.
          </p>
          <progress max={total} value={ready} aria-label="Sites served" />
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Student</th>
                  <th scope="col">Site</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {course.students.map((student) => (
                  <tr key={student.username} data-student={student.username} data-state={student.state}>
                    <td>
                      {student.displayName}
                      <span className="muted small">
                        {" "}
                        {student.username}
                        {student.isInvited ? " · invited" : ""}
                      </span>
                    </td>
                    <td>
                      {student.site ? <Link to={pathTo("site", { name: student.site })}>{student.site}</Link> : "—"}
                    </td>
                    <td>
                      {stateLabels[student.state]}
                      {student.error ? <span className="field-error small"> {student.error}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
