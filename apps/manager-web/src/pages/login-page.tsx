import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../api/errors";
import type { UserView } from "../api/types";
import { ErrorBanner, Field } from "../components/ui";
import { useApi, useApiQueries } from "../hooks";
import { loginErrorFromSearch } from "../lib/login-errors";
import { pathTo } from "../lib/routes";

/**
 * Password login, and the institution's login (a full-page redirect to the identity provider) when the
 * installation has one (`GET /api/auth/options`).
 */
export function LoginPage({ onLoggedIn }: { onLoggedIn: (user: UserView) => Promise<void> | void }) {
  const api = useApi();
  const options = useQuery(useApiQueries().loginOptions());
  const oidc = options.data?.oidc ?? null;
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  // A failed login with the institution's account comes back as /login?error=CODE: said once, then the address
  // is cleaned so that a reload or a bookmark does not repeat it.
  const [returnedError] = useState(() => loginErrorFromSearch(window.location.search));
  useEffect(() => {
    if (returnedError !== null) window.history.replaceState(window.history.state, "", pathTo("login"));
  }, [returnedError]);
  const fields = fieldErrorsOf(error);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      const { user } = await api.auth.login(username.trim(), password);
      await onLoggedIn(user);
    } catch (failure) {
      setError(failure);
      setIsBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <h1>Log in to Director</h1>
      <p>Websites for our school: your own, your clubs' and your projects'.</p>
      {returnedError ? (
        <div className="banner banner-error" role="alert">
          {returnedError}
        </div>
      ) : null}
      {oidc ? (
        <>
          <a className="button button-primary button-wide" href={oidc.startUrl}>
            Log in with your institution account
          </a>
          <p className="divider">
            <span>or with a Director password</span>
          </p>
        </>
      ) : null}
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={formLevelError(error, ["username", "password"])} />
        <Field label="Username" error={fields.username}>
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <Field label="Password" error={fields.password}>
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <button type="submit" className="button button-primary" disabled={isBusy}>
          {isBusy ? "Logging in…" : "Log in"}
        </button>
      </form>
      <p className="muted small">
        New here? Read <a href="/docs">the Director guide</a>.
      </p>
    </main>
  );
}
