import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { DatabaseHostView } from "../../api/types";
import { ErrorBanner, Field, Loading } from "../../components/ui";
import { useAction, useApi, useApiQueries } from "../../hooks";
import { LargestDatabases } from "./largest-databases";

const kindNames: Record<DatabaseHostView["kind"], string> = { postgres: "PostgreSQL", mysql: "MariaDB/MySQL" };

/**
 * Database hosts: where sites' databases live. Administrators see each host's addresses (the admin account by name
 * only: its password never leaves the manager), stop or start it taking new databases, remove an empty one, and
 * register another (checked by the orchestrator before anything is stored).
 */
export function AdminDatabaseHostsPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const hostsQuery = useApiQueries().databaseHosts();
  const hosts = useQuery(hostsQuery);
  const { error, run } = useAction();
  const reload = () => void queryClient.invalidateQueries({ queryKey: hostsQuery.queryKey });
  const act = (work: () => Promise<unknown>) =>
    run(async () => {
      await work();
      reload();
    });

  return (
    <>
      <h1>Database hosts</h1>
      <ErrorBanner error={hosts.error ?? error} />
      {hosts.isPending ? <Loading what="database hosts" /> : null}
      {hosts.data && hosts.data.databaseHosts.length === 0 ? (
        <p className="empty">No database host is registered: sites cannot have databases until one is.</p>
      ) : null}
      <table hidden={!hosts.data || hosts.data.databaseHosts.length === 0}>
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">Sites connect to</th>
            <th scope="col" className="hide-narrow">
              Admin
            </th>
            <th scope="col">Takes new databases</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(hosts.data?.databaseHosts ?? []).map((host) => (
            <tr key={host.name} data-host={host.name}>
              <td>
                <strong>{host.name}</strong>
                <div className="muted small">
                  {kindNames[host.kind]}, up to {host.maxDatabases} databases
                </div>
              </td>
              <td>
                <code>
                  {host.siteHost}:{host.sitePort}
                </code>
              </td>
              <td className="hide-narrow">
                <code>
                  {host.adminUser}@{host.adminAddress}
                </code>
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${host.name} takes new databases`}
                  checked={host.isAccepting}
                  onChange={(event) =>
                    void act(() => api.databaseHosts.update(host.name, { isAccepting: event.target.checked }))
                  }
                />
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className="link-button danger"
                  onClick={() => {
                    if (window.confirm(`Remove the database host ${host.name}? Only a host without databases can go.`))
                      void act(() => api.databaseHosts.remove(host.name));
                  }}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <RegisterForm onRegistered={reload} />
      <LargestDatabases />
    </>
  );
}

const emptyForm = {
  name: "",
  kind: "postgres" as DatabaseHostView["kind"],
  siteHost: "",
  sitePort: "5432",
  adminUrl: "",
  maxDatabases: "500",
};

function RegisterForm({ onRegistered }: { onRegistered: () => void }) {
  const api = useApi();
  const [form, setForm] = useState(emptyForm);
  const { error, isBusy, run } = useAction();
  const fields = fieldErrorsOf(error);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const isDone = await run(() =>
      api.databaseHosts.create({
        name: form.name.trim(),
        kind: form.kind,
        siteHost: form.siteHost.trim(),
        sitePort: Number(form.sitePort),
        adminUrl: form.adminUrl.trim(),
        maxDatabases: Number(form.maxDatabases),
      }),
    );
    if (isDone) {
      setForm(emptyForm);
      onRegistered();
    }
  };
  type Key = Exclude<keyof typeof form, "kind">;
  const input = (key: Key, label: string, hint: string, type = "text") => (
    <Field label={label} error={fields[key]} hint={hint}>
      {({ id, describedBy, isInvalid }) => (
        <input
          id={id}
          type={type}
          value={form[key]}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => setForm((current) => ({ ...current, [key]: event.target.value }))}
          aria-describedby={describedBy}
          aria-invalid={isInvalid}
        />
      )}
    </Field>
  );
  return (
    <details className="card">
      <summary>Register a database host</summary>
      <form onSubmit={submit}>
        <ErrorBanner error={formLevelError(error, Object.keys(emptyForm))} />
        {input("name", "Name", "Lowercase letters, digits and hyphens (main-postgres).")}
        <Field label="Kind" error={fields.kind}>
          {({ id, describedBy }) => (
            <select
              id={id}
              value={form.kind}
              onChange={(event) => {
                const kind = event.target.value as DatabaseHostView["kind"];
                setForm((current) => ({ ...current, kind, sitePort: kind === "postgres" ? "5432" : "3306" }));
              }}
              aria-describedby={describedBy}
            >
              <option value="postgres">PostgreSQL</option>
              <option value="mysql">MariaDB/MySQL</option>
            </select>
          )}
        </Field>
        {input("siteHost", "Address sites connect to", "An address the sites network reaches (see the README).")}
        {input("sitePort", "Port", "The port sites connect to.", "number")}
        {input(
          "adminUrl",
          "Admin URL",
          "postgres://admin:secret@db:5432/postgres or mysql://root:secret@db:3306; kept encrypted, never shown again.",
          "password",
        )}
        {input("maxDatabases", "Most databases", "New databases go to the host with the most room.", "number")}
        <button type="submit" className="button" disabled={isBusy}>
          {isBusy ? "Checking the host…" : "Register"}
        </button>
      </form>
    </details>
  );
}
