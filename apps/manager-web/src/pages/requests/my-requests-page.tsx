import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useApi, useAsync, useSession } from "../../hooks";
import { sitePath } from "../../lib/routes";
import { Link } from "../../router";
import { RequestStatus } from "./request-status";

/** The status of each club site request the user made. */
export function MyRequestsPage() {
  const api = useApi();
  const { user } = useSession();
  const [requests] = useAsync(() => api.siteRequests.list(), []);
  const mine = (requests.value?.requests ?? []).filter((request) => request.requester.username === user.username);
  return (
    <>
      <div className="page-head">
        <h1>Club site requests</h1>
        <Link to="/requests/new" className="button button-primary">
          Request a club site
        </Link>
      </div>
      <ErrorBanner error={requests.error} />
      {requests.status === "loading" ? <Loading what="your requests" /> : null}
      {requests.value && mine.length === 0 ? <p className="empty">You have made no request.</p> : null}
      <ul className="cards">
        {mine.map((request) => (
          <li key={request.id} className="card" data-request-id={request.id}>
            <div className="card-head">
              <h2>{request.activity}</h2>
              <RequestStatus status={request.status} />
            </div>
            <p className="muted small">
              Site {request.siteName} · sponsor {request.sponsor.displayName || request.sponsor.username} · asked{" "}
              <Time iso={request.createdAt} />
            </p>
            {request.teacherComment ? <p>Teacher: {request.teacherComment}</p> : null}
            {request.adminPublicComment ? <p>Administrator: {request.adminPublicComment}</p> : null}
            {request.site ? (
              <p>
                Your site: <Link to={sitePath(request.site)}>{request.site}</Link>
              </p>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  );
}
