import { type ChangeEvent, useEffect, useRef, useState } from "react";
import type { FileEntry, SiteView } from "../../api/types";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useAction, useApi, useAsync } from "../../hooks";
import { formatBytes, joinPath, parentPath } from "../../lib/format";

/** The site's files: browse folders, download, upload into the open folder, remove. */
export function SiteFiles({ site, canEdit }: { site: SiteView; canEdit: boolean }) {
  const api = useApi();
  const [path, setPath] = useState("public");
  const [listing, reload] = useAsync(() => api.files.list(site.name, path), [site.name, path]);
  const { error, run } = useAction();
  const [progress, setProgress] = useState<string | null>(null);
  // A folder comes a page at a time (sorted by name); "Show more" adds the pages after the first one.
  const [later, setLater] = useState<{ entries: FileEntry[]; nextAfter: string | null } | null>(null);
  const { error: moreError, isBusy: isLoadingMore, run: runMore } = useAction();
  // The first page on screen now: a page asked for before it changed (another folder, a reload) is dropped.
  const shownFirst = useRef(listing.value);
  shownFirst.current = listing.value;
  useEffect(() => setLater(null), [listing.value]);
  const nextAfter = later ? later.nextAfter : (listing.value?.nextAfter ?? null);
  const showMore = async () => {
    if (nextAfter === null) return;
    const first = listing.value;
    await runMore(async () => {
      const page = await api.files.list(site.name, path, { after: nextAfter });
      if (shownFirst.current !== first) return;
      setLater((shown) => ({ entries: [...(shown?.entries ?? []), ...page.entries], nextAfter: page.nextAfter }));
    });
  };

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const files = [...(event.target.files ?? [])];
    event.target.value = "";
    await run(async () => {
      for (const [index, file] of files.entries()) {
        setProgress(`Uploading ${file.name} (${index + 1} of ${files.length})…`);
        // Shell scripts (a dynamic site's run.sh) must be executable to run.
        await api.files.upload(site.name, joinPath(path, file.name), file, file.name.endsWith(".sh") ? "755" : "644");
      }
    });
    setProgress(null);
    reload();
  };

  const remove = async (entry: FileEntry) => {
    if (!window.confirm(`Remove ${joinPath(path, entry.name)}?`)) return;
    await run(() => api.files.remove(site.name, joinPath(path, entry.name)));
    reload();
  };

  const entries = [...(listing.value?.entries ?? []), ...(later?.entries ?? [])];
  const totalEntries = listing.value?.totalEntries ?? 0;
  return (
    <section className="card" aria-labelledby="site-files">
      <div className="card-head">
        <h2 id="site-files">Files</h2>
        {canEdit ? (
          <label className="button">
            Upload files
            <input type="file" multiple className="visually-hidden" onChange={(event) => void upload(event)} />
          </label>
        ) : null}
      </div>
      {canEdit && site.type === "dynamic" ? (
        <p className="hint">
          A dynamic site runs the first of <code>run.sh</code>, <code>private/run.sh</code>, <code>public/run.sh</code>.
          Uploaded <code>.sh</code> files are made executable.
        </p>
      ) : null}
      <p className="breadcrumbs">
        <button type="button" className="link-button" onClick={() => setPath("")}>
          {site.name}
        </button>
        {path
          .split("/")
          .filter(Boolean)
          .map((segment, index, all) => (
            <span key={all.slice(0, index + 1).join("/")}>
              {" / "}
              <button type="button" className="link-button" onClick={() => setPath(all.slice(0, index + 1).join("/"))}>
                {segment}
              </button>
            </span>
          ))}
      </p>
      {progress ? (
        <p role="status" className="muted">
          {progress}
        </p>
      ) : null}
      <ErrorBanner error={listing.error ?? error ?? moreError} />
      {listing.status === "loading" ? <Loading what="files" /> : null}
      <table className="files">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="numeric">
              Size
            </th>
            <th scope="col" className="hide-narrow">
              Changed
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {path !== "" ? (
            <tr>
              <td colSpan={4}>
                <button type="button" className="link-button" onClick={() => setPath(parentPath(path))}>
                  ↑ Parent folder
                </button>
              </td>
            </tr>
          ) : null}
          {entries.map((entry) => (
            <tr key={entry.name}>
              <td>
                {entry.type === "directory" ? (
                  <button type="button" className="link-button" onClick={() => setPath(joinPath(path, entry.name))}>
                    {entry.name}/
                  </button>
                ) : (
                  <a href={api.files.downloadUrl(site.name, joinPath(path, entry.name))} download={entry.name}>
                    {entry.name}
                  </a>
                )}
              </td>
              <td className="numeric">{entry.type === "directory" ? "" : formatBytes(entry.sizeBytes)}</td>
              <td className="hide-narrow">
                <Time iso={entry.modifiedAt} />
              </td>
              <td className="row-actions">
                {canEdit ? (
                  <button
                    type="button"
                    className="link-button danger"
                    onClick={() => void remove(entry)}
                    aria-label={`Remove ${entry.name}`}
                  >
                    Remove
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
          {listing.value && entries.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted">
                This folder is empty.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {nextAfter !== null ? (
        <p className="more">
          <span className="muted small" role="status">
            Showing {entries.length} of {totalEntries}.
          </span>{" "}
          <button type="button" className="link-button" onClick={() => void showMore()} disabled={isLoadingMore}>
            {isLoadingMore ? "Loading…" : "Show more"}
          </button>
        </p>
      ) : null}
    </section>
  );
}
