import { type FormEvent, useState } from "react";
import type { UserView } from "../api/types";
import { ErrorBanner, Loading } from "../components/ui";
import { useApi, useAsync, useSession } from "../hooks";

/**
 * The guidelines every user accepts before anything else (the API refuses other calls until then); again when the
 * institution changed them since.
 */
export function GuidelinesPage({ onAccepted }: { onAccepted: (user: UserView) => void }) {
  const api = useApi();
  const { logout } = useSession();
  const [guidelines] = useAsync(() => api.guidelines.get(), []);
  const [isChecked, setIsChecked] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const accept = async (event: FormEvent) => {
    event.preventDefault();
    try {
      onAccepted(await api.guidelines.accept());
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <main id="main" className="narrow">
      <h1>Guidelines</h1>
      {guidelines.status === "loading" ? <Loading what="the guidelines" /> : null}
      <ErrorBanner error={guidelines.error ?? error} />
      {guidelines.value?.acceptedAt && !guidelines.value.isAccepted ? (
        <div className="banner banner-info" role="status">
          The guidelines changed since you accepted them on{" "}
          <time dateTime={guidelines.value.acceptedAt}>
            {new Date(guidelines.value.acceptedAt).toLocaleDateString()}
          </time>
          . Please read them again.
        </div>
      ) : null}
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
