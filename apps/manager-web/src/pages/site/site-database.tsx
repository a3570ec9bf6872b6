import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { OperationView, SiteDatabaseView, SiteView } from "../../api/types";
import { CopyCommand } from "../../components/copy-command";
import { ErrorBanner, Field, Time } from "../../components/ui";
import { useAction, useApi, useApiQueries, useSession } from "../../hooks";
import { DatabaseSize, DatabaseSizeLimit, DatabaseWritesStopped } from "./database-size";
import { DatabaseTransfer } from "./database-transfer";
import { SqlConsole } from "./sql-console";

const kindNames: Record<SiteDatabaseView["kind"], string> = { postgres: "PostgreSQL", mysql: "MariaDB" };
const statusText: Record<SiteDatabaseView["status"], string> = {
  creating: "Being made",
  ready: "Ready",
  removing: "Being deleted",
};

/**
 * The site's database: how to connect (the password only when asked for), and for members adding one, a new
 * password and deleting it (the site's name typed). Each change is an operation the page follows live; when it ends
 * the page reads the site again, and this panel with it.
 */
export function SiteDatabase({
  site,
  canEdit,
  onOperation,
}: {
  site: SiteView;
  canEdit: boolean;
  onOperation: (operation: OperationView) => void;
}) {
  const api = useApi();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const databaseQuery = useApiQueries().siteDatabase(site.name);
  const loaded = useQuery(databaseQuery);
  const { error, isBusy, run } = useAction();
  const refresh = () => queryClient.invalidateQueries({ queryKey: databaseQuery.queryKey });
  const database = loaded.data?.database ?? null;

  const act = (change: () => Promise<{ operation: OperationView }>) =>
    run(async () => {
      const { operation } = await change();
      onOperation(operation);
      await refresh();
    });

  return (
    <section className="card" aria-labelledby="site-database">
      <h2 id="site-database">Database</h2>
      <ErrorBanner error={loaded.error ?? formLevelError(error, ["confirmName"])} />
      {loaded.isPending ? null : database === null ? (
        <NoDatabase
          canEdit={canEdit}
          isBusy={isBusy}
          onCreate={(kind) => act(() => api.siteDatabase.create(site.name, kind))}
        />
      ) : (
        <>
          <DatabaseWritesStopped database={database} />
          <DatabaseFacts site={site.name} database={database} canEdit={canEdit} />
          {user.isSuperuser && database.status === "ready" ? (
            <DatabaseSizeLimit site={site.name} database={database} onChange={() => void refresh()} />
          ) : null}
          {canEdit && database.status === "ready" ? (
            <p>
              <button
                type="button"
                className="button"
                disabled={isBusy}
                onClick={() => {
                  const question = "Give the database a new password? The site's process restarts with it.";
                  if (window.confirm(question)) void act(() => api.siteDatabase.rotatePassword(site.name));
                }}
              >
                New password
              </button>
            </p>
          ) : null}
          {canEdit && database.status === "ready" ? <SqlConsole site={site.name} /> : null}
          {canEdit && database.status === "ready" ? <DatabaseTransfer site={site.name} kind={database.kind} /> : null}
          {canEdit && database.status !== "removing" ? (
            <DeleteDatabase
              site={site.name}
              error={error}
              isBusy={isBusy}
              onDelete={(confirmName) => act(() => api.siteDatabase.remove(site.name, confirmName))}
            />
          ) : null}
        </>
      )}
    </section>
  );
}

function NoDatabase(props: { canEdit: boolean; isBusy: boolean; onCreate: (kind: SiteDatabaseView["kind"]) => void }) {
  const [kind, setKind] = useState<SiteDatabaseView["kind"]>("postgres");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onCreate(kind);
  };
  return (
    <>
      <p className="muted small">The site has no database.</p>
      {props.canEdit ? (
        <form className="inline-form" onSubmit={submit}>
          <Field label="Kind" hint="Its address and password reach the site's code as DATABASE_URL.">
            {({ id, describedBy }) => (
              <select
                id={id}
                value={kind}
                onChange={(event) => setKind(event.target.value as SiteDatabaseView["kind"])}
                aria-describedby={describedBy}
              >
                <option value="postgres">PostgreSQL</option>
                <option value="mysql">MariaDB (MySQL)</option>
              </select>
            )}
          </Field>
          <button type="submit" className="button" disabled={props.isBusy}>
            Add a database
          </button>
        </form>
      ) : null}
    </>
  );
}

function DatabaseFacts({ site, database, canEdit }: { site: string; database: SiteDatabaseView; canEdit: boolean }) {
  const api = useApi();
  const [secret, setSecret] = useState<{ password: string; url: string } | null>(null);
  const { error, isBusy, run } = useAction();
  const reveal = () =>
    run(async () => {
      setSecret(await api.siteDatabase.revealPassword(site));
    });
  return (
    <>
      <dl className="facts" data-testid="database-facts">
        <dt>Kind</dt>
        <dd>{kindNames[database.kind]}</dd>
        <dt>Status</dt>
        <dd data-testid="database-status">{statusText[database.status]}</dd>
        {database.name === null ? null : (
          <>
            <dt>Address</dt>
            <dd>
              {database.host}:{database.port}
            </dd>
            <dt>Name and user</dt>
            <dd>
              <code>{database.name}</code>
            </dd>
            <dt>URL</dt>
            <dd>
              {secret === null ? (
                <CopyCommand command={database.url ?? ""} label="the database URL" />
              ) : (
                <CopyCommand command={secret.url} label="the database URL with its password" />
              )}
            </dd>
            <dt>Password</dt>
            <dd>
              {secret !== null ? (
                <code data-testid="database-password">{secret.password}</code>
              ) : canEdit && database.status === "ready" ? (
                <button type="button" className="link-button" onClick={() => void reveal()} disabled={isBusy}>
                  Show password
                </button>
              ) : (
                <span className="muted">hidden</span>
              )}
            </dd>
            {database.sizeBytes === null ? null : (
              <>
                <dt>Size</dt>
                <dd data-testid="database-size">
                  <DatabaseSize sizeBytes={database.sizeBytes} limitBytes={database.sizeLimitBytes} />
                </dd>
              </>
            )}
            <dt>Variables</dt>
            <dd className="small">{variablesInShort(database.environment)}</dd>
          </>
        )}
        <dt>Added</dt>
        <dd>
          <Time iso={database.createdAt} />
        </dd>
      </dl>
      <ErrorBanner error={error} />
    </>
  );
}

/** `DATABASE_URL, DIRECTOR_DATABASE_URL, _TYPE, _HOST, …`: the names as a person reads them, without the repeats. */
function variablesInShort(names: readonly string[]): string {
  const prefix = "DIRECTOR_DATABASE";
  const [first, second, ...rest] = names;
  const short = rest.map((name) => (name.startsWith(`${prefix}_`) ? name.slice(prefix.length) : name));
  return [first, second, ...short].filter(Boolean).join(", ");
}

function DeleteDatabase(props: {
  site: string;
  error: unknown;
  isBusy: boolean;
  onDelete: (confirmName: string) => void;
}) {
  const [confirmName, setConfirmName] = useState("");
  const fields = fieldErrorsOf(props.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onDelete(confirmName);
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Delete the database">
      <Field label={`Type ${props.site} to delete the database and everything in it`} error={fields.confirmName}>
        {({ id, describedBy, isInvalid }) => (
          <input
            id={id}
            value={confirmName}
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            onChange={(event) => setConfirmName(event.target.value)}
            aria-describedby={describedBy}
            aria-invalid={isInvalid}
          />
        )}
      </Field>
      <button type="submit" className="button button-danger" disabled={props.isBusy || confirmName !== props.site}>
        Delete database
      </button>
    </form>
  );
}
