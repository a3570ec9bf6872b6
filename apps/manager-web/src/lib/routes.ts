/**
 * The interface's pages in one typed table: each name's path (`:param` segments) and whether only administrators
 * see it. Links are made from it (`pathTo`), addresses are matched against it (`matchRoute`), and app.tsx gives each
 * name its page (a `Record`, so the compiler asks for every one): no path of the interface is written twice.
 * The history itself stays router.tsx's (pushState and one event): fifteen flat pages need no router library.
 */

interface PageRoute {
  path: string;
  isAdminOnly?: true;
  /** the page uses the whole window (the workspace), not the readable column of the others */
  isWide?: true;
}

/** In matching order: the first page whose path fits wins (`/sites/new` before `/sites/:name`). */
export const pages = {
  login: { path: "/login" },
  guidelines: { path: "/guidelines" },
  sites: { path: "/" },
  newSite: { path: "/sites/new" },
  site: { path: "/sites/:name" },
  siteWorkspace: { path: "/sites/:name/workspace", isWide: true },
  requestSite: { path: "/requests/new" },
  myRequests: { path: "/requests" },
  teacherApprovals: { path: "/approvals/teacher" },
  account: { path: "/account" },
  courses: { path: "/courses" },
  newCourse: { path: "/courses/new" },
  course: { path: "/courses/:course" },
  adminApprovals: { path: "/admin/requests", isAdminOnly: true },
  adminSites: { path: "/admin/sites", isAdminOnly: true },
  adminUsers: { path: "/admin/users", isAdminOnly: true },
  adminOperations: { path: "/admin/operations", isAdminOnly: true },
  adminImages: { path: "/admin/images", isAdminOnly: true },
  adminAudit: { path: "/admin/audit", isAdminOnly: true },
  adminDomains: { path: "/admin/domains", isAdminOnly: true },
  adminDatabaseHosts: { path: "/admin/database-hosts", isAdminOnly: true },
  adminUsage: { path: "/admin/usage", isAdminOnly: true },
  adminMail: { path: "/admin/mail", isAdminOnly: true },
} as const satisfies Record<string, PageRoute>;

export type PageName = keyof typeof pages;

/** The `:name` parameters of a path pattern. */
type ParamNames<Path extends string> = Path extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamNames<Rest>
  : Path extends `${string}:${infer Name}`
    ? Name
    : never;

/** The parameters of page `N`, by name. */
export type PageParams<N extends PageName> = { [K in ParamNames<(typeof pages)[N]["path"]>]: string };

/** A page with no parameters takes none; one with parameters takes all of them. */
type ParamsArgument<N extends PageName> = [ParamNames<(typeof pages)[N]["path"]>] extends [never]
  ? []
  : [params: PageParams<N>];

/** The address of page `name`, its parameters encoded (`pathTo("site", { name: "a b" })` is `/sites/a%20b`). */
export function pathTo<N extends PageName>(name: N, ...[params]: ParamsArgument<N>): string {
  const values = (params ?? {}) as Record<string, string>;
  return pages[name].path.replace(/:([A-Za-z]+)/g, (_, key: string) => encodeURIComponent(values[key] ?? ""));
}

/** `path?a=1&b=x` from the values that are set, in the given order; `path` alone when none is. */
export function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}

/** A matched address: the page's name and its decoded parameters. */
export type RouteMatch = { [N in PageName]: { name: N; params: PageParams<N> } }[PageName];

/** The page a pathname shows, with its `:params` decoded; null when none (the page says "not found"). */
export function matchRoute(pathname: string): RouteMatch | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  const segments = path.split("/");
  for (const [name, page] of Object.entries(pages) as Array<[PageName, PageRoute]>) {
    const wanted = page.path.split("/");
    if (wanted.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const isMatch = wanted.every((part, index) => {
      const actual = segments[index] ?? "";
      if (part.startsWith(":")) {
        if (actual === "") return false;
        try {
          params[part.slice(1)] = decodeURIComponent(actual);
        } catch {
          return false; // a malformed escape in the address: no page
        }
        return true;
      }
      return part === actual;
    });
    if (isMatch) return { name, params } as RouteMatch;
  }
  return null;
}

/** Whether page `name` uses the whole window. */
export function isWide(name: PageName): boolean {
  return (pages[name] as PageRoute).isWide === true;
}

/** Whether only administrators may see page `name`. */
export function isAdminOnly(name: PageName): boolean {
  return (pages[name] as PageRoute).isAdminOnly === true;
}
