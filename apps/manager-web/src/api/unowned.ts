/**
 * COMING ROUTES with no branch building them yet (issue 4 asks for them: operations all / failed, retry).
 * The operations page calls them and says "not available yet" while they answer 404 "No route …"; looking an
 * operation up by its id works today (GET /api/operations/:id).
 */
import type { OperationView } from "./core";
import type { Http } from "./http";

export function operationsAdminApi(http: Http) {
  return {
    list: (query: { status?: "failed"; limit: number; offset: number }) =>
      http.request<{ operations: OperationView[] }>("GET", "/api/admin/operations", { query }),
    /** runs a failed operation again from its failed step */
    retry: (id: number) => http.request<{ operation: OperationView }>("POST", `/api/admin/operations/${id}/retry`),
  };
}
