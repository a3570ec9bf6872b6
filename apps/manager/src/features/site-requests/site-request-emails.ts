/** The messages of the site request flow: pure text, one function per step (tested through the flow's tests). */
import type { SiteRequestRecord } from "@director/domain/site-request";
import type { MailMessage } from "../mail/mailer.js";

const signature = "\n--\nDirector\n";

function summary(request: SiteRequestRecord): string {
  return [
    `Request #${request.id}`,
    `Activity: ${request.activity}`,
    `Site name: ${request.requestedSiteName}`,
    `Student: ${request.requester.displayName} (${request.requester.username})`,
    `Sponsor: ${request.sponsor.displayName} (${request.sponsor.username})`,
    request.details ? `Details:\n${request.details}` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

/** To the sponsor, when a student names them. */
export function newRequestEmail(request: SiteRequestRecord): MailMessage {
  return {
    to: [request.sponsor.email],
    subject: `A site request needs your approval: ${request.activity}`,
    text: `${request.requester.displayName} asks for a website for ${request.activity} and names you as its sponsor.\nOpen Director's site requests to approve or reject it.\n\n${summary(request)}\n${signature}`,
  };
}

/** To the student and the administrators, after the sponsor decided. */
export function teacherDecisionEmails(request: SiteRequestRecord, adminEmails: readonly string[]): MailMessage[] {
  const isApproved = request.status === "awaiting_admin";
  const comment = request.teacherComment
    ? `\nComment from ${request.sponsor.displayName}:\n${request.teacherComment}\n`
    : "";
  const toStudent: MailMessage = {
    to: [request.requester.email],
    subject: `Your site request was ${isApproved ? "approved by your sponsor" : "rejected by your sponsor"}`,
    text: isApproved
      ? `${request.sponsor.displayName} approved your request for ${request.activity}. An administrator decides next.\n${comment}\n${summary(request)}\n${signature}`
      : `${request.sponsor.displayName} rejected your request for ${request.activity}.\n${comment}\n${summary(request)}\n${signature}`,
  };
  if (!isApproved) return [toStudent];
  const toAdmins: MailMessage = {
    to: adminEmails,
    subject: `A site request waits for an administrator: ${request.activity}`,
    text: `${request.sponsor.displayName} approved a request for an activity site; it waits for your decision.\n${comment}\n${summary(request)}\n${signature}`,
  };
  return [toStudent, toAdmins];
}

/** To the student and the sponsor, after an administrator decided; never the private comment. */
export function adminDecisionEmail(request: SiteRequestRecord): MailMessage {
  const isApproved = request.status === "approved";
  const comment = request.adminPublicComment
    ? `\nComment from the administrators:\n${request.adminPublicComment}\n`
    : "";
  return {
    to: [request.requester.email, request.sponsor.email],
    subject: isApproved
      ? `Your site ${request.requestedSiteName} is being created`
      : `The site request for ${request.activity} was rejected`,
    text: isApproved
      ? `The administrators approved the request for ${request.activity}. Director is creating the site "${request.requestedSiteName}"; ${request.requester.displayName} and ${request.sponsor.displayName} are its members.\n${comment}\n${summary(request)}\n${signature}`
      : `The administrators rejected the request for ${request.activity}.\n${comment}\n${summary(request)}\n${signature}`,
  };
}
