import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import { invalidate } from "../../api/queries";
import type { UpdateUserRequest, UserRole, UserView } from "../../api/types";
import { Pager } from "../../components/pager";
import { SearchForm } from "../../components/search-form";
import { ErrorBanner, Field, Loading, Time } from "../../components/ui";
import { useAction, useApi, useApiQueries } from "../../hooks";
import { GraduatingClass } from "./graduating-class";

const roles: UserRole[] = ["student", "teacher", "service"];
const pageSize = 50;

/** Accounts: search, invite by username, change role and administrator rights, disable. */
export function AdminUsersPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [applied, setApplied] = useState("");
  const [page, setPage] = useState(0);
  const users = useQuery({
    ...useApiQueries().users({ q: applied, limit: pageSize, offset: page * pageSize }),
    placeholderData: keepPreviousData,
  });
  const reload = () => void invalidate.users(queryClient);
  const { error, run } = useAction();
  const total = users.data?.total ?? 0;

  const update = (user: UserView, change: UpdateUserRequest) =>
    run(async () => {
      await api.admin.updateUser(user.username, change);
      reload();
    });

  return (
    <>
      <h1>Users</h1>
      <SearchForm
        label="Search users"
        placeholder="Username, name or email"
        value={applied}
        onSearch={(text) => {
          setApplied(text);
          setPage(0);
        }}
      />
      <InviteForm onInvited={reload} />
      <GraduatingClass onDisabled={reload} />
      <ErrorBanner error={users.error ?? error} />
      {users.isPending ? <Loading what="users" /> : null}
      {users.data ? (
        <p className="muted" role="status">
          {total === 1 ? "1 account" : `${total} accounts`}
          {applied ? ` ${total === 1 ? "matches" : "match"} “${applied}”` : ""}
        </p>
      ) : null}
      <table hidden={!users.data}>
        <thead>
          <tr>
            <th scope="col">User</th>
            <th scope="col">Role</th>
            <th scope="col">Administrator</th>
            <th scope="col" className="hide-narrow">
              Last login
            </th>
            <th scope="col">Account</th>
          </tr>
        </thead>
        <tbody>
          {(users.data?.users ?? []).map((user) => (
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
              <td>
                <input
                  type="checkbox"
                  checked={user.isSuperuser}
                  aria-label={`${user.username} is an administrator`}
                  onChange={(event) => void update(user, { isSuperuser: event.target.checked })}
                />
              </td>
              <td className="hide-narrow">
                {user.lastLoginAt ? <Time iso={user.lastLoginAt} /> : <span className="muted">never</span>}
              </td>
              <td>
                {user.isActive ? null : <span className="badge badge-failed">disabled</span>}{" "}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void update(user, { isActive: !user.isActive })}
                  aria-label={`${user.isActive ? "Disable" : "Enable"} ${user.username}`}
                >
                  {user.isActive ? "Disable" : "Enable"}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager
        previous={page > 0 ? { onClick: () => setPage(page - 1) } : null}
        next={(page + 1) * pageSize < total ? { onClick: () => setPage(page + 1) } : null}
      />
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
      await api.admin.inviteUser({ username: username.trim(), role });
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
