import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { AdminUserView, UserRole } from "../../api/people";
import { ErrorBanner, Field, Loading, Time } from "../../components/ui";
import { useApi, useAsync } from "../../hooks";

const roles: UserRole[] = ["student", "teacher", "admin", "service"];

/** Accounts: search, invite by username, change role, disable. */
export function AdminUsersPage() {
  const api = useApi();
  const [query, setQuery] = useState("");
  const [applied, setApplied] = useState("");
  const [users, reload] = useAsync(() => api.people.users({ q: applied, limit: 100, offset: 0 }), [applied]);
  const [error, setError] = useState<unknown>(null);

  const update = async (user: AdminUserView, change: Partial<Pick<AdminUserView, "role" | "isDisabled">>) => {
    setError(null);
    try {
      await api.people.updateUser(user.username, change);
      reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <>
      <h1>Users</h1>
      <search>
        <form
          className="search"
          onSubmit={(event) => {
            event.preventDefault();
            setApplied(query.trim());
          }}
        >
          <label htmlFor="user-search" className="visually-hidden">
            Search users
          </label>
          <input
            id="user-search"
            type="search"
            placeholder="Username, name or email"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
          <button type="submit" className="button">
            Search
          </button>
        </form>
      </search>
      <InviteForm onInvited={reload} />
      <ErrorBanner error={users.error ?? error} />
      {users.status === "loading" ? <Loading what="users" /> : null}
      <table hidden={!users.value}>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Role</th>
            <th scope="col" className="hide-narrow">
              Last login
            </th>
            <th scope="col">Account</th>
          </tr>
        </thead>
        <tbody>
          {(users.value?.users ?? []).map((user) => (
            <tr key={user.id}>
              <td>
                <strong>{user.username}</strong>
                <div className="muted small">
                  {user.displayName} {user.email ? `· ${user.email}` : ""}
                  {user.graduationYear ? ` · ${user.graduationYear}` : ""}
                </div>
              </td>
              <td>
                <label className="visually-hidden" htmlFor={`role-${user.id}`}>
                  Role of {user.username}
                </label>
                <select
                  id={`role-${user.id}`}
                  value={user.role}
                  onChange={(event) => void update(user, { role: event.target.value as UserRole })}
                >
                  {roles.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
              </td>
              <td className="hide-narrow">
                <Time iso={user.lastLoginAt} />
              </td>
              <td>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void update(user, { isDisabled: !user.isDisabled })}
                >
                  {user.isDisabled ? "Enable" : "Disable"}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const api = useApi();
  const [username, setUsername] = useState("");
  const [role, setRole] = useState<UserRole>("student");
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrorsOf(error);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.people.inviteUser({ username: username.trim(), role });
      setUsername("");
      onInvited();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <details className="card">
      <summary>Invite someone before their first login</summary>
      <form onSubmit={submit} className="inline-form">
        <ErrorBanner error={formLevelError(error, ["username", "role"])} />
        <Field label="Username" error={fields.username}>
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <Field label="Role" error={fields.role}>
          {({ id }) => (
            <select id={id} value={role} onChange={(event) => setRole(event.target.value as UserRole)}>
              {roles.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="button">
          Invite
        </button>
      </form>
    </details>
  );
}
