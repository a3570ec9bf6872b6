import { managerPaths } from "@director/contracts/manager-paths";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { UserView } from "../api/types";
import { useApi, useSession } from "../hooks";
import { pathTo } from "../lib/routes";
import { Link, useLocation } from "../router";

interface NavItem {
  to: string;
  label: string;
}

function navItems(user: UserView): NavItem[] {
  const items: NavItem[] = [
    { to: pathTo("sites"), label: "Sites" },
    { to: pathTo("newSite"), label: "New site" },
    { to: pathTo("myRequests"), label: "Club site requests" },
  ];
  if (user.role === "teacher" || user.isSuperuser) {
    items.push({ to: pathTo("teacherApprovals"), label: "Approvals" }, { to: pathTo("courses"), label: "Courses" });
  }
  return items;
}

const adminItems: NavItem[] = [
  { to: pathTo("adminSites"), label: "All sites" },
  { to: pathTo("adminUsage"), label: "Usage" },
  { to: pathTo("adminApprovals"), label: "Requests" },
  { to: pathTo("adminOperations"), label: "Operations" },
  { to: pathTo("adminUsers"), label: "Users" },
  { to: pathTo("adminImages"), label: "Images" },
  { to: pathTo("adminDomains"), label: "Domains" },
  { to: pathTo("adminDatabaseHosts"), label: "Databases" },
  { to: pathTo("adminAudit"), label: "Audit log" },
  { to: pathTo("adminMail"), label: "Mass email" },
];

function NavLink({ item, pathname }: { item: NavItem; pathname: string }) {
  const isCurrent = item.to === "/" ? pathname === "/" : pathname.startsWith(item.to);
  return (
    <li>
      <Link to={item.to} aria-current={isCurrent ? "page" : undefined}>
        {item.label}
      </Link>
    </li>
  );
}

/**
 * The frame of every page behind the login: a skip link, the navigation, the user, the page (in a readable column,
 * or over the whole width for a wide page such as the workspace).
 */
export function Layout({ children, isWide = false }: { children: ReactNode; isWide?: boolean }) {
  const { user, logout } = useSession();
  const { pathname } = useLocation();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to={pathTo("sites")} className="brand">
          Director
        </Link>
        <nav aria-label="Main">
          <ul>
            {navItems(user).map((item) => (
              <NavLink key={item.to} item={item} pathname={pathname} />
            ))}
          </ul>
        </nav>
        <div className="who">
          {/* the guide is served by the manager itself, outside this app: a plain link */}
          <a href="/docs">Guide</a>
          <Link
            to={pathTo("account")}
            title={user.email}
            aria-current={pathname === pathTo("account") ? "page" : undefined}
          >
            {user.displayName || user.username}
            <span className="visually-hidden"> (your account and SSH keys)</span>
          </Link>
          <button type="button" className="link-button" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </header>
      {user.isSuperuser ? (
        <nav aria-label="Administration" className="adminbar">
          <ul>
            {adminItems.map((item) => (
              <NavLink key={item.to} item={item} pathname={pathname} />
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" className={isWide ? "wide" : undefined}>
        <GraduationBanner />
        {children}
      </main>
    </>
  );
}

/**
 * Told to a student whose graduation year has come, on every page: until when the account stays open, so that they
 * download their sites first (the manager says when; nothing shows for anyone else).
 */
function GraduationBanner() {
  const api = useApi();
  const me = useQuery({ queryKey: ["me", "graduation"], queryFn: () => api.auth.me(), staleTime: 10 * 60_000 });
  const graduation = me.data?.graduation;
  if (!graduation) return null;
  const until = new Date(`${graduation.accountOpenUntil}T12:00:00Z`).toLocaleDateString(undefined, {
    year: "numeric",
    month: "long",
    day: "numeric",
  });
  return (
    <div className="banner banner-warning" role="status" data-banner="graduation">
      Congratulations, class of {graduation.graduationYear}! Your account stays open until {until}: download your sites
      before then. <a href={managerPaths.account.archive.path}>Download all your sites</a> (files and databases, one
      zip) · <a href="/docs/sites#when-you-graduate">What happens to my sites?</a>
    </div>
  );
}
