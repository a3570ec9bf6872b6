/** The interface's addresses, and matching a pathname against them (a tiny router: no dependency needed). */

export type RouteName =
  | "login"
  | "guidelines"
  | "sites"
  | "newSite"
  | "site"
  | "requestSite"
  | "myRequests"
  | "teacherApprovals"
  | "adminApprovals"
  | "adminSites"
  | "adminUsers"
  | "adminOperations"
  | "adminImages"
  | "adminAudit"
  | "adminMail";

const patterns: Array<[RouteName, string]> = [
  ["login", "/login"],
  ["guidelines", "/guidelines"],
  ["sites", "/"],
  ["newSite", "/sites/new"],
  ["site", "/sites/:name"],
  ["requestSite", "/requests/new"],
  ["myRequests", "/requests"],
  ["teacherApprovals", "/approvals/teacher"],
  ["adminApprovals", "/admin/requests"],
  ["adminSites", "/admin/sites"],
  ["adminUsers", "/admin/users"],
  ["adminOperations", "/admin/operations"],
  ["adminImages", "/admin/images"],
  ["adminAudit", "/admin/audit"],
  ["adminMail", "/admin/mail"],
];

export interface RouteMatch {
  name: RouteName;
  params: Record<string, string>;
}

/** The route a pathname shows, with its `:params` decoded; null when none (the page says "not found"). */
export function matchRoute(pathname: string): RouteMatch | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const segments = path.split("/");
  for (const [name, pattern] of patterns) {
    const wanted = pattern.split("/");
    if (wanted.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const isMatch = wanted.every((part, index) => {
      const actual = segments[index] ?? "";
      if (part.startsWith(":")) {
        if (actual === "") return false;
        try {
          params[part.slice(1)] = decodeURIComponent(actual);
        } catch {
          return false; // a malformed escape in the address: no route
        }
        return true;
      }
      return part === actual;
    });
    if (isMatch) return { name, params };
  }
  return null;
}

/** The address of a site's page. */
export const sitePath = (name: string) => `/sites/${encodeURIComponent(name)}`;
