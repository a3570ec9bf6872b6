import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import type { SshKeyView } from "../../api/types";
import { ErrorBanner, Field, Time } from "../../components/ui";
import { useAction, useApi, useApiQueries } from "../../hooks";

/** The key types in words, as people know them from ssh-keygen -t. */
const typeText: Record<SshKeyView["algorithm"], string> = {
  "ssh-ed25519": "ED25519",
  "ecdsa-sha2-nistp256": "ECDSA",
  "ecdsa-sha2-nistp384": "ECDSA",
  "ecdsa-sha2-nistp521": "ECDSA",
  "ssh-rsa": "RSA",
};

/**
 * The person's SSH public keys: each with its fingerprint (what `ssh-keygen -lf` prints, to tell keys apart), when
 * it was added and last used; adding one (a label and the .pub line) and removing one after a confirmation.
 */
export function SshKeys() {
  const api = useApi();
  const queryClient = useQueryClient();
  const keysQuery = useApiQueries().sshKeys();
  const loaded = useQuery(keysQuery);
  const [label, setLabel] = useState("");
  const [publicKey, setPublicKey] = useState("");
  const { error, isBusy, run } = useAction();
  const fields = fieldErrorsOf(error);
  const refresh = () => queryClient.invalidateQueries({ queryKey: keysQuery.queryKey });

  const add = async (event: FormEvent) => {
    event.preventDefault();
    await run(async () => {
      await api.ssh.addKey({ label: label.trim(), publicKey: publicKey.trim() });
      setLabel("");
      setPublicKey("");
      await refresh();
    });
  };

  const remove = async (key: SshKeyView) => {
    if (!window.confirm(`Remove the SSH key "${key.label}"? It will no longer log you in.`)) return;
    await run(async () => {
      await api.ssh.removeKey(key.id);
      await refresh();
    });
  };

  const keys = loaded.data?.keys ?? [];
  return (
    <section className="card" aria-labelledby="ssh-keys">
      <h2 id="ssh-keys">SSH keys</h2>
      <p className="small">
        Log in to the shell server with a key instead of your password. Each key belongs to one person: never share
        yours, and never paste a private key here.
      </p>
      {loaded.isSuccess && keys.length === 0 ? <p className="muted small">You have no SSH key yet.</p> : null}
      <ul className="members ssh-keys" aria-label="Your SSH keys">
        {keys.map((key) => (
          <li key={key.id} data-fingerprint={key.fingerprint}>
            <span className="ssh-key">
              <strong>{key.label}</strong>
              <span className="muted small block">
                {typeText[key.algorithm]} · {key.bits} bits · added <Time iso={key.createdAt} /> · last used{" "}
                {key.lastUsedAt ? <Time iso={key.lastUsedAt} /> : "never"}
              </span>
              <code className="small block fingerprint">{key.fingerprint}</code>
            </span>
            <span>
              <button
                type="button"
                className="link-button danger"
                onClick={() => void remove(key)}
                disabled={isBusy}
                aria-label={`Remove the SSH key ${key.label}`}
              >
                Remove
              </button>
            </span>
          </li>
        ))}
      </ul>
      <ErrorBanner error={loaded.error ?? formLevelError(error, ["label", "publicKey"])} />
      <form onSubmit={add} aria-labelledby="ssh-key-add">
        <h3 id="ssh-key-add" className="subhead">
          Add a key
        </h3>
        <Field label="Label" error={fields.label} hint="To tell your keys apart, e.g. “school laptop”.">
          {({ id, describedBy, isInvalid }) => (
            <input
              id={id}
              name="label"
              value={label}
              required
              maxLength={100}
              onChange={(event) => setLabel(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <Field
          label="Public key"
          error={fields.publicKey}
          hint={
            <>
              The one line of your public key file, e.g. <code>~/.ssh/id_ed25519.pub</code> (starts with{" "}
              <code>ssh-ed25519</code>, <code>ecdsa-sha2-…</code> or <code>ssh-rsa</code>). No key yet? Run{" "}
              <code>ssh-keygen -t ed25519</code>.
            </>
          }
        >
          {({ id, describedBy, isInvalid }) => (
            <textarea
              id={id}
              name="publicKey"
              value={publicKey}
              required
              rows={4}
              spellCheck={false}
              autoCapitalize="none"
              autoComplete="off"
              className="key-input"
              onChange={(event) => setPublicKey(event.target.value)}
              aria-describedby={describedBy}
              aria-invalid={isInvalid}
            />
          )}
        </Field>
        <button
          type="submit"
          className="button button-primary"
          disabled={isBusy || label.trim() === "" || publicKey.trim() === ""}
        >
          Add key
        </button>
      </form>
    </section>
  );
}
