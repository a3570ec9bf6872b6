/** What sites use. */
import type { Http } from "./http";
import { callRoute } from "./route-call";

export function usageApi(http: Http) {
  return {
    site: (name: string, window: "hour" | "day" | "week") =>
      callRoute(http, "usage", "site", { params: { name }, query: { window } }),
  };
}
