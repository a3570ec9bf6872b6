import type { SiteRequestStatus } from "../../api/types";

export const requestStatusWords: Record<SiteRequestStatus, string> = {
  awaiting_teacher: "Waiting for the teacher",
  awaiting_admin: "Waiting for an administrator",
  approved: "Approved",
  rejected_by_teacher: "Rejected by the teacher",
  rejected_by_admin: "Rejected by an administrator",
};

export function RequestStatus({ status }: { status: SiteRequestStatus }) {
  const tone = status === "approved" ? "succeeded" : status.startsWith("rejected") ? "failed" : "pending";
  return <span className={`badge badge-${tone}`}>{requestStatusWords[status]}</span>;
}
