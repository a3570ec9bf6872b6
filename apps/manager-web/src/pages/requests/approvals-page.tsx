import { type FormEvent, useState } from "react";
import type { SiteRequestView } from "../../api/types";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useApi, useAsync, useSession } from "../../hooks";
import { sitePath } from "../../lib/routes";
import { Link } from "../../router";
import { RequestStatus } from "./request-status";

/** A teacher's page: requests they sponsor that wait for them. */
export function TeacherApprovalsPage() {
  const { user } = useSession();
  return (
    <ApprovalList
      title="Requests to approve"
      intro="Students asked for these club sites with you as their sponsor. An administrator decides after you."
      isWaiting={(request) => request.status === "awaiting_teacher" && request.sponsor.username === user.username}
      decider="teacher"
    />
  );
}

/** The administrators' page: requests their teachers approved. */
export function AdminApprovalsPage() {
  return (
    <ApprovalList
      title="Site requests"
      intro="Approving creates the site with the student and the sponsor teacher as members."
      isWaiting={(request) => request.status === "awaiting_admin"}
      decider="admin"
    />
  );
}

function ApprovalList(props: {
  title: string;
  intro: string;
  isWaiting: (request: SiteRequestView) => boolean;
  decider: "teacher" | "admin";
}) {
  const api = useApi();
  const [requests, reload] = useAsync(() => api.siteRequests.list(), []);
  const waiting = (requests.value?.requests ?? []).filter(props.isWaiting);
  const others = (requests.value?.requests ?? []).filter((request) => !props.isWaiting(request));
  return (
    <>
      <h1>{props.title}</h1>
      <p>{props.intro}</p>
      <ErrorBanner error={requests.error} />
      {requests.status === "loading" ? <Loading what="requests" /> : null}
      {requests.value && waiting.length === 0 ? <p className="empty">Nothing waits for you.</p> : null}
      <ul className="cards">
        {waiting.map((request) => (
          <li key={request.id} className="card" data-request-id={request.id}>
            <Decision request={request} decider={props.decider} onDecided={reload} />
          </li>
        ))}
      </ul>
      {others.length > 0 ? (
        <details>
          <summary>Decided and other requests ({others.length})</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Activity</th>
                <th scope="col">Site</th>
                <th scope="col">Student</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {others.map((request) => (
                <tr key={request.id}>
                  <td>{request.activity}</td>
                  <td>{request.site ? <Link to={sitePath(request.site)}>{request.site}</Link> : request.siteName}</td>
                  <td>{request.requester.username}</td>
                  <td>
                    <RequestStatus status={request.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </>
  );
}

function Decision(props: { request: SiteRequestView; decider: "teacher" | "admin"; onDecided: () => void }) {
  const api = useApi();
  const { request } = props;
  const [comment, setComment] = useState("");
  const [privateComment, setPrivateComment] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);

  const decide = async (event: FormEvent, approve: boolean) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      if (props.decider === "teacher") await api.siteRequests.teacherDecision(request.id, { approve, comment });
      else await api.siteRequests.adminDecision(request.id, { approve, publicComment: comment, privateComment });
      props.onDecided();
    } catch (failure) {
      setError(failure);
      setIsBusy(false);
    }
  };

  const idPrefix = `request-${request.id}`;
  return (
    <form onSubmit={(event) => void decide(event, true)} aria-labelledby={`${idPrefix}-title`}>
      <div className="card-head">
        <h2 id={`${idPrefix}-title`}>{request.activity}</h2>
        <RequestStatus status={request.status} />
      </div>
      <p className="muted small">
        Asked by {request.requester.displayName || request.requester.username} ({request.requester.username}) · sponsor{" "}
        {request.sponsor.displayName || request.sponsor.username} · <Time iso={request.createdAt} />
      </p>
      <p>
        Site name: <code>{request.siteName}</code>
      </p>
      <p>{request.details}</p>
      {request.teacherComment ? <p>Teacher: {request.teacherComment}</p> : null}
      <ErrorBanner error={error} />
      <div className="field">
        <label htmlFor={`${idPrefix}-comment`}>
          {props.decider === "admin" ? "Comment for the student" : "Comment (optional)"}
        </label>
        <textarea
          id={`${idPrefix}-comment`}
          rows={2}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
        />
      </div>
      {props.decider === "admin" ? (
        <div className="field">
          <label htmlFor={`${idPrefix}-private`}>Private comment (administrators only)</label>
          <textarea
            id={`${idPrefix}-private`}
            rows={2}
            value={privateComment}
            onChange={(event) => setPrivateComment(event.target.value)}
          />
        </div>
      ) : null}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={isBusy}>
          Approve
        </button>
        <button
          type="button"
          className="button button-danger"
          disabled={isBusy}
          onClick={(event) => void decide(event, false)}
        >
          Reject
        </button>
      </div>
    </form>
  );
}
