import { type FormEvent, useState } from "react";
import type { UserView } from "../api/core";
import { ErrorBanner, Loading } from "../components/ui";
import { useApi, useAsync, useSession } from "../hooks";

/** The guidelines every user accepts once before anything else (the API refuses other calls until then). */
export function GuidelinesPage({ onAccepted }: { onAccepted: (user: UserView) => void }) {
  const api = useApi();
  const { logout } = useSession();
  const [guidelines] = useAsync(() => api.people.guidelines(), []);
  const [isChecked, setIsChecked] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const accept = async (event: FormEvent) => {
    event.preventDefault();
    try {
      onAccepted(await api.people.acceptGuidelines());
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <main id="main" className="narrow">
      <h1>Guidelines</h1>
      {guidelines.status === "loading" ? <Loading what="the guidelines" /> : null}
      <ErrorBanner error={guidelines.error ?? error} />
      {guidelines.value ? (
        <form onSubmit={accept}>
          <div className="guidelines">
            {guidelines.value.text.split(/\n\s*\n/).map((paragraph, index) => (
              <p key={index}>{paragraph}</p>
            ))}
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={isChecked} onChange={(event) => setIsChecked(event.target.checked)} />I have
            read these guidelines and accept them.
          </label>
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={!isChecked}>
              Continue
            </button>
            <button type="button" className="link-button" onClick={() => void logout()}>
              Log out
            </button>
          </div>
        </form>
      ) : null}
    </main>
  );
}
