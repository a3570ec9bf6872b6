/** What sites use. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

export function usageApi(http: Http) {
  return {
    site: (name: string, window: "hour" | "day" | "week") =>
      callRoute(http, "usage", "site", { params: { name }, query: { window } }),
    /** administrators: the busiest sites */
    top: (query: { window: "hour" | "day" | "week"; by: "requests" | "bytes" | "errors"; limit?: number }) =>
      callRoute(http, "usage", "top", { query: { limit: 20, ...query } }),
    /** administrators: the dynamic sites whose processes use the most */
    processes: (query: { window: "hour" | "day" | "week"; by: "cpu" | "memory"; limit?: number }) =>
      callRoute(http, "usage", "processes", { query: { limit: 20, ...query } }),
    /** administrators: the platform at a glance */
    overview: (window: "hour" | "day" | "week") => callRoute(http, "usage", "overview", { query: { window } }),
    /** administrators: the sites fullest against their disk quota */
    fullest: (query: { minPercent?: number; limit?: number } = {}) =>
      callRoute(http, "usage", "fullest", { query: { minPercent: 0, limit: 20, ...query } }),
    /** administrators: a site's own disk quota (null: the default) */
    setDiskQuota: (name: string, quotaBytes: number | null) =>
      callRoute(http, "usage", "setDiskQuota", { params: { name }, json: { quotaBytes } }),
  };
}
