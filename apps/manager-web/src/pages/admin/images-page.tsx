import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { fieldErrorsOf, formLevelError } from "../../api/errors";
import { invalidate } from "../../api/queries";
import { ErrorBanner, Field, Loading } from "../../components/ui";
import { useApi, useApiQueries } from "../../hooks";

/** Published images: what sites may run, what each is built from; publish, hide, remove. */
export function AdminImagesPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const images = useQuery(useApiQueries().images());
  const reload = () => void invalidate.images(queryClient);
  const [error, setError] = useState<unknown>(null);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      reload();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <>
      <h1>Images</h1>
      <ErrorBanner error={images.error ?? error} />
      {images.isPending ? <Loading what="images" /> : null}
      {images.data && images.data.images.length === 0 ? (
        <p className="empty">No image is published: every dynamic site runs the default busybox image.</p>
      ) : null}
      <table hidden={!images.data}>
        <thead>
          <tr>
            <th scope="col">Image</th>
            <th scope="col" className="hide-narrow">
              Built from
            </th>
            <th scope="col">Visible</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(images.data?.images ?? []).map((image) => (
            <tr key={image.name}>
              <td>
                <strong>{image.friendlyName}</strong> <span className="muted">({image.name})</span>
                {image.description ? <div className="muted small">{image.description}</div> : null}
              </td>
              <td className="hide-narrow">
                <code>{image.parentRef}</code>
                {image.acceptsPackages ? <div className="muted small">accepts packages</div> : null}
              </td>
              <td>
                <input
                  type="checkbox"
                  aria-label={`${image.friendlyName} visible to users`}
                  checked={image.isUserVisible}
                  onChange={(event) =>
                    void act(() => api.images.update(image.name, { isUserVisible: event.target.checked }))
                  }
                />
              </td>
              <td className="row-actions">
                <button
                  type="button"
                  className="link-button danger"
                  onClick={() => {
                    if (window.confirm(`Remove the image ${image.name}?`))
                      void act(() => api.images.remove(image.name));
                  }}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <PublishForm onPublished={reload} />
    </>
  );
}

function PublishForm({ onPublished }: { onPublished: () => void }) {
  const api = useApi();
  const [form, setForm] = useState({ name: "", friendlyName: "", parentRef: "", description: "" });
  const [error, setError] = useState<unknown>(null);
  const fields = fieldErrorsOf(error);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.images.create(form);
      setForm({ name: "", friendlyName: "", parentRef: "", description: "" });
      onPublished();
    } catch (failure) {
      setError(failure);
    }
  };
  const input = (key: keyof typeof form, label: string, hint?: string) => (
    <Field label={label} error={fields[key]} hint={hint}>
      {({ id, describedBy, isInvalid }) => (
        <input
          id={id}
          value={form[key]}
          onChange={(event) => setForm((current) => ({ ...current, [key]: event.target.value }))}
          aria-describedby={describedBy}
          aria-invalid={isInvalid}
        />
      )}
    </Field>
  );
  return (
    <details className="card">
      <summary>Publish an image</summary>
      <form onSubmit={submit}>
        <ErrorBanner error={formLevelError(error, Object.keys(form))} />
        {input("name", "Name", "Lowercase, as sites refer to it.")}
        {input("friendlyName", "Friendly name")}
        {input("parentRef", "Built from", "A local Docker image, e.g. director/base-debian:bookworm.")}
        {input("description", "Description")}
        <p className="muted small">
          Setup and install commands: see the README (administrators set them with the API).
        </p>
        <button type="submit" className="button">
          Publish
        </button>
      </form>
    </details>
  );
}
