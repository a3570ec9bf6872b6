/** Operations: one by id, and (administrators) the list and a retry. */
import type { Http } from "./http";
import { callRoute } from "./route-call";
import type { OperationFilter } from "./types";

export function operationsApi(http: Http) {
  return {
    get: (id: number) => callRoute(http, "operations", "get", { params: { id } }),
    /** administrators */
    list: (query: { status: OperationFilter; limit: number; offset: number }, signal?: AbortSignal) =>
      callRoute(http, "admin", "listOperations", { query, ...(signal ? { signal } : {}) }),
    /** administrators; 202: the same operation, queued again from its failed step */
    retry: (id: number) => callRoute(http, "admin", "retryOperation", { params: { id } }),
  };
}
