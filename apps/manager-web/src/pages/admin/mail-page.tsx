import { type FormEvent, useEffect, useState } from "react";
import { ApiError, fieldErrorsOf, formLevelError } from "../../api/errors";
import type { MassMailRequest } from "../../api/types";
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
  /** the recipients the API counted for this message; the confirmation shows while it is set */
  const [recipientCount, setRecipientCount] = useState<number | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const fields = fieldErrorsOf(error);
  const to: MassMailRequest["to"] = isEveryone ? "all" : parseUsernameList(usernames);
  // a count for other recipients confirms nothing
  useEffect(() => setRecipientCount(null), [isEveryone, usernames]);

  /** Asks the API first without `confirm`: it answers CONFIRMATION_REQUIRED with how many people would get it. */
  const review = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    setError(null);
    setIsBusy(true);
    try {
      const sent = await api.admin.sendMail({ subject, text: body, to, confirm: false });
      setResult(`Sent to ${sent.sentCount} of ${sent.recipientCount} people.`); // an API that sends at once
    } catch (failure) {
      const count = failure instanceof ApiError ? failure.details?.recipientCount : undefined;
      if (failure instanceof ApiError && failure.code === "CONFIRMATION_REQUIRED" && typeof count === "number") {
        setRecipientCount(count);
      } else setError(failure);
    } finally {
      setIsBusy(false);
    }
  };

  const send = async () => {
    setIsBusy(true);
    try {
      const sent = await api.admin.sendMail({ subject, text: body, to, confirm: true });
      const refused = sent.failed.length > 0 ? ` The mail server refused: ${sent.failed.join(", ")}.` : "";
      setResult(`Sent to ${sent.sentCount} of ${sent.recipientCount} people.${refused}`);
      setSubject("");
      setBody("");
    } catch (failure) {
      setError(failure);
    } finally {
      setRecipientCount(null);
      setIsBusy(false);
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
        <ErrorBanner error={formLevelError(error, ["subject", "text", "to"])} />
        <fieldset className="field">
          <legend>To</legend>
          <label className="radio">
            <input type="radio" name="to" checked={isEveryone} onChange={() => setIsEveryone(true)} /> Every user
          </label>
          <label className="radio">
            <input type="radio" name="to" checked={!isEveryone} onChange={() => setIsEveryone(false)} /> These usernames
          </label>
          {!isEveryone ? (
            <Field label="Usernames" hint="Separated by spaces, commas or new lines." error={fields.to}>
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
        <Field label="Message" error={fields.text}>
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
        {recipientCount !== null ? (
          <div className="banner banner-warning" role="alertdialog" aria-label="Confirm sending">
            <p>
              Send “{subject}” to {recipientCount === 1 ? "1 person" : `${recipientCount} people`}? This cannot be
              undone.
            </p>
            <div className="actions">
              <button
                type="button"
                className="button button-danger"
                disabled={isBusy || recipientCount === 0}
                onClick={() => void send()}
              >
                Yes, send it
              </button>
              <button type="button" className="button" onClick={() => setRecipientCount(null)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            type="submit"
            className="button button-primary"
            disabled={isBusy || subject.trim() === "" || body.trim() === "" || (to !== "all" && to.length === 0)}
          >
            Review and send
          </button>
        )}
      </form>
    </div>
  );
}
