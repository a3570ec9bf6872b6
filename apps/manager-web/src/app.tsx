import { useQueryClient } from "@tanstack/react-query";
import { lazy, type ReactNode, Suspense, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { isGuidelinesRequired, isLoginRequired } from "./api/errors";
import type { UserView } from "./api/types";
import { Layout } from "./components/layout";
import { Loading } from "./components/ui";
import { LiveContext, type Session, SessionContext, useApi } from "./hooks";
import { isAdminOnly, isWide, matchRoute, type PageName, type PageParams, pathTo } from "./lib/routes";
import { AccountPage } from "./pages/account/account-page";
import { AdminAuditPage } from "./pages/admin/audit-page";
import { AdminDatabaseHostsPage } from "./pages/admin/database-hosts-page";
import { AdminDomainsPage } from "./pages/admin/domains-page";
import { AdminImagesPage } from "./pages/admin/images-page";
import { AdminMailPage } from "./pages/admin/mail-page";
import { AdminOperationsPage } from "./pages/admin/operations-page";
import { AdminSitesPage } from "./pages/admin/sites-page";
import { AdminUsagePage } from "./pages/admin/usage-page";
import { AdminUsersPage } from "./pages/admin/users-page";
import { CoursePage } from "./pages/courses/course-page";
import { CoursesPage } from "./pages/courses/courses-page";
import { NewCoursePage } from "./pages/courses/new-course-page";
import { CreateSitePage } from "./pages/create-site-page";
import { GuidelinesPage } from "./pages/guidelines-page";
import { LoginPage } from "./pages/login-page";
import { AdminApprovalsPage, TeacherApprovalsPage } from "./pages/requests/approvals-page";
import { MyRequestsPage } from "./pages/requests/my-requests-page";
import { RequestSitePage } from "./pages/requests/request-site-page";
import { SitePage } from "./pages/site-page";
import { SitesPage } from "./pages/sites-page";
import { navigate, useFocusOnNavigate, useLocation } from "./router";

// The workspace (editor, terminal) is the heaviest page and most visits never open it: its code comes when it does.
const WorkspacePage = lazy(() =>
  import("./pages/workspace/workspace-page").then((module) => ({ default: module.WorkspacePage })),
);

/** The window event FetchHttp's failures are announced with (main.tsx), so the shell can react to them. */
export const apiErrorEvent = "director:api-error";

type Gate =
  | { state: "loading" }
  | { state: "login" }
  | { state: "guidelines"; user: UserView }
  | { state: "in"; user: UserView };

/** The shell: who is logged in, whether they accepted the guidelines, and which page the address shows. */
export function App() {
  const api = useApi();
  const [gate, setGate] = useState<Gate>({ state: "loading" });
  const { pathname, search } = useLocation();
  useFocusOnNavigate(pathname);

  /** `/api/auth/me` and the login answer say whether the guidelines are accepted yet. */
  const enter = useCallback((user: UserView) => {
    setGate(user.guidelinesAccepted ? { state: "in", user } : { state: "guidelines", user });
  }, []);

  useEffect(() => {
    api.auth.me().then(
      (user) => enter(user),
      () => setGate({ state: "login" }),
    );
  }, [api, enter]);

  useEffect(() => {
    const onApiError = (event: Event) => {
      const error = (event as CustomEvent<unknown>).detail;
      if (isLoginRequired(error)) setGate({ state: "login" });
      else if (isGuidelinesRequired(error)) {
        setGate((current) => (current.state === "in" ? { state: "guidelines", user: current.user } : current));
      }
    };
    window.addEventListener(apiErrorEvent, onApiError);
    return () => window.removeEventListener(apiErrorEvent, onApiError);
  }, []);

  // Each session gets its own live socket and an empty cache of reads: on a shared computer, the next person must
  // never follow sites through the previous one's socket (the manager would notice the ended session only at its
  // next check), nor see what the previous one's pages read.
  const live = useContext(LiveContext);
  const queryClient = useQueryClient();
  const sessionUser = gate.state === "in" || gate.state === "guidelines" ? gate.user.username : null;
  const previousSessionUser = useRef<string | null>(null);
  useEffect(() => {
    // Only when a session ends or changes: the first login's pages open the socket themselves.
    if (previousSessionUser.current !== null && previousSessionUser.current !== sessionUser) {
      live?.restart();
      queryClient.clear();
    }
    previousSessionUser.current = sessionUser;
  }, [live, queryClient, sessionUser]);

  const logout = useCallback(async () => {
    try {
      await api.auth.logout();
    } finally {
      setGate({ state: "login" });
      navigate(pathTo("login"));
    }
  }, [api]);

  const session = useMemo<Session | null>(
    () => (gate.state === "in" || gate.state === "guidelines" ? { user: gate.user, logout } : null),
    [gate, logout],
  );

  useEffect(() => {
    const shown = matchRoute(pathname)?.name;
    if (gate.state === "in" && (shown === "login" || shown === "guidelines"))
      navigate(pathTo("sites"), { replace: true });
  }, [gate.state, pathname]);

  if (gate.state === "loading") return <Loading what="Director" />;
  if (gate.state === "login") {
    return <LoginPage onLoggedIn={(user) => enter(user)} />;
  }
  if (!session) return null;
  if (gate.state === "guidelines") {
    return (
      <SessionContext.Provider value={session}>
        <GuidelinesPage onAccepted={(user) => setGate({ state: "in", user })} />
      </SessionContext.Provider>
    );
  }
  const route = matchRoute(pathname);
  const isShown = route !== null && (!isAdminOnly(route.name) || gate.user.isSuperuser);
  return (
    <SessionContext.Provider value={session}>
      <Layout isWide={isShown && isWide(route.name)}>{isShown ? pageOf(route, search) : <NotFound />}</Layout>
    </SessionContext.Provider>
  );
}

/** Each page of the route table (lib/routes.ts) and what it shows, given its parameters and the address's query. */
const pageElements: { [N in PageName]: (params: PageParams<N>, search: string) => ReactNode } = {
  sites: (_, search) => <SitesPage search={search} />,
  newSite: () => <CreateSitePage />,
  site: ({ name }) => <SitePage key={name} name={name} />,
  siteWorkspace: ({ name }) => (
    <Suspense fallback={<Loading what="the workspace" />}>
      <WorkspacePage key={name} name={name} />
    </Suspense>
  ),
  requestSite: () => <RequestSitePage />,
  myRequests: () => <MyRequestsPage />,
  teacherApprovals: () => <TeacherApprovalsPage />,
  account: () => <AccountPage />,
  courses: () => <CoursesPage />,
  newCourse: () => <NewCoursePage />,
  course: ({ course }) => <CoursePage key={course} name={course} />,
  adminApprovals: () => <AdminApprovalsPage />,
  adminSites: () => <AdminSitesPage />,
  adminUsers: () => <AdminUsersPage />,
  adminOperations: (_, search) => <AdminOperationsPage search={search} />,
  adminImages: () => <AdminImagesPage />,
  adminAudit: () => <AdminAuditPage />,
  adminDomains: () => <AdminDomainsPage />,
  adminDatabaseHosts: () => <AdminDatabaseHostsPage />,
  adminUsage: () => <AdminUsagePage />,
  adminMail: () => <AdminMailPage />,
  // the gate shows these before anyone is in; once in, the address is replaced by the site list
  login: () => null,
  guidelines: () => null,
};

function pageOf<N extends PageName>(route: { name: N; params: PageParams<N> }, search: string): ReactNode {
  return pageElements[route.name](route.params, search);
}

function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>There is no page at this address, or you may not see it.</p>
    </>
  );
}
