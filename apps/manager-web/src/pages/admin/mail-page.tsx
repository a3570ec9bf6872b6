import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { MassMailRequest } from "../../api/people";
import { ErrorBanner, Field } from "../../components/ui";
import { useApi } from "../../hooks";
import { parseUsernameList } from "../../lib/site-name";

/** A message to every user or to a list of usernames, sent only after a second, explicit confirmation. */
export function AdminMailPage() {
  const api = useApi();
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [isEveryone, setIsEveryone] = useState(true);
  const [usernames, setUsernames] = useState("");
  const [isConfirming, setIsConfirming] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrorsOf(error);
  const recipients: MassMailRequest["recipients"] = isEveryone ? "all" : parseUsernameList(usernames);
  const audience = recipients === "all" ? "every user" : `${recipients.length} user(s)`;

  const review = (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    setError(null);
    setIsConfirming(true);
  };

  const send = async () => {
    try {
      const { recipientCount } = await api.people.sendMail({ subject, body, recipients });
      setResult(`Sent to ${recipientCount} people.`);
      setSubject("");
      setBody("");
    } catch (failure) {
      setError(failure);
    } finally {
      setIsConfirming(false);
    }
  };

  return (
    <div className="narrow">
      <h1>Mass email</h1>
      {result ? (
        <div className="banner banner-info" role="status">
          {result}
        </div>
      ) : null}
      <form onSubmit={review}>
        <ErrorBanner error={formLevelError(error, ["subject", "body", "recipients"])} />
        <fieldset className="field">
          <legend>To</legend>
          <label className="radio">
            <input type="radio" name="to" checked={isEveryone} onChange={() => setIsEveryone(true)} /> Every user
          </label>
          <label className="radio">
            <input type="radio" name="to" checked={!isEveryone} onChange={() => setIsEveryone(false)} /> These usernames
          </label>
          {!isEveryone ? (
            <Field label="Usernames" hint="Separated by spaces, commas or new lines." error={fields.recipients}>
              {({ id, describedBy }) => (
                <textarea
                  id={id}
                  rows={2}
                  value={usernames}
                  onChange={(event) => setUsernames(event.target.value)}
                  aria-describedby={describedBy}
                />
              )}
            </Field>
          ) : null}
        </fieldset>
        <Field label="Subject" error={fields.subject}>
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              required
              value={subject}
              onChange={(event) => setSubject(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <Field label="Message" error={fields.body}>
          {({ id, describedBy, isInvalid }) => (
            <textarea
              id={id}
              required
              rows={8}
              value={body}
              onChange={(event) => setBody(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        {isConfirming ? (
          <div className="banner banner-warning" role="alertdialog" aria-label="Confirm sending">
            <p>
              Send “{subject}” to {audience}? This cannot be undone.
            </p>
            <div className="actions">
              <button type="button" className="button button-danger" onClick={() => void send()}>
                Yes, send it
              </button>
              <button type="button" className="button" onClick={() => setIsConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            type="submit"
            className="button button-primary"
            disabled={subject.trim() === "" || body.trim() === "" || (recipients !== "all" && recipients.length === 0)}
          >
            Review and send
          </button>
        )}
      </form>
    </div>
  );
}
