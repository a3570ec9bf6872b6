/** The audit log's entries. */

/** One entry of the audit log. */
export interface AuditEvent {
  id: string;
  at: Date;
  actorUserId: number | null;
  action: string;
  target: string;
  details: Record<string, unknown>;
}
