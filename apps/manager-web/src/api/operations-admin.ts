/**
 * Administrators' view of operations: the list (all or failed, newest first) and retrying a failed one from its
 * failed step. A retry answers 409 OPERATION_NOT_RETRYABLE (not failed) or SITE_BUSY (another operation of the
 * site has not finished).
 */
import type { OperationView } from "./core";
import type { Http } from "./http";

export type OperationFilter = "failed" | "all";

export interface OperationPage {
  operations: OperationView[];
  total: number;
  limit: number;
  offset: number;
}

export function operationsAdminApi(http: Http) {
  return {
    list: (query: { status: OperationFilter; limit: number; offset: number }, signal?: AbortSignal) =>
      http.request<OperationPage>("GET", "/api/admin/operations", { query, ...(signal ? { signal } : {}) }),
    /** 202: the same operation, queued again from its failed step */
    retry: (id: number) => http.request<{ operation: OperationView }>("POST", `/api/admin/operations/${id}/retry`),
  };
}
