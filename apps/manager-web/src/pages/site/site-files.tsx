import { useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { type ChangeEvent, useState } from "react";
import { invalidate } from "../../api/queries";
import type { FileEntry, SiteView } from "../../api/types";
import { ErrorBanner, Loading, Time } from "../../components/ui";
import { useAction, useApi, useApiQueries } from "../../hooks";
import { formatBytes, joinPath, parentPath } from "../../lib/format";

/**
 * The site's files: browse folders, download a file or a folder as a zip, upload into the open folder, make a folder,
 * rename, make a file executable or not, remove (a folder with everything in it, once confirmed).
 */
export function SiteFiles({ site, canEdit }: { site: SiteView; canEdit: boolean }) {
  const api = useApi();
  const queries = useApiQueries();
  const queryClient = useQueryClient();
  const [path, setPath] = useState("public");
  // A folder comes a page at a time (sorted by name); "Show more" adds the page after the last one shown.
  const listing = useInfiniteQuery(queries.siteFiles(site.name, path));
  const { error, run } = useAction();
  const [progress, setProgress] = useState<string | null>(null);
  const reload = () => void invalidate.siteFiles(queryClient, site.name);

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
    const target = joinPath(path, entry.name);
    const isFolder = entry.type === "directory";
    if (!window.confirm(isFolder ? `Remove the folder ${target} and everything in it?` : `Remove ${target}?`)) return;
    await run(() => api.files.remove(site.name, target, { recursive: isFolder }));
    reload();
  };

  const makeFolder = async () => {
    const name = window.prompt(`New folder in ${path === "" ? site.name : path}:`)?.trim();
    if (!name) return;
    await run(() => api.files.makeFolder(site.name, joinPath(path, name)));
    reload();
  };

  /** A new name in the same folder, or a path from the site's top (with a `/`) to move it elsewhere. */
  const rename = async (entry: FileEntry) => {
    const answer = window.prompt(
      `Rename ${entry.name} to (a name, or a path from the site's top to move it):`,
      entry.name,
    );
    const to = answer?.trim();
    if (!to || to === entry.name) return;
    await run(() => api.files.move(site.name, joinPath(path, entry.name), to.includes("/") ? to : joinPath(path, to)));
    reload();
  };

  const toggleExecutable = async (entry: FileEntry) => {
    await run(() => api.files.changeMode(site.name, joinPath(path, entry.name), isExecutable(entry) ? "-x" : "+x"));
    reload();
  };

  const entries = listing.data?.pages.flatMap((page) => page.entries) ?? [];
  const totalEntries = listing.data?.pages[0]?.totalEntries ?? 0;
  return (
    <section className="card" aria-labelledby="site-files">
      <div className="card-head">
        <h2 id="site-files">Files</h2>
        {canEdit ? (
          <div className="actions">
            <a className="button secondary" href={api.files.zipUrl(site.name, path)} download>
              Download {path === "" ? "site" : "folder"} as zip
            </a>
            <button type="button" className="button secondary" onClick={() => void makeFolder()}>
              New folder
            </button>
            <label className="button">
              Upload files
              <input type="file" multiple className="visually-hidden" onChange={(event) => void upload(event)} />
            </label>
          </div>
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
      <ErrorBanner error={listing.error ?? error} />
      {listing.isPending ? <Loading what="files" /> : null}
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
                  <>
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => void rename(entry)}
                      aria-label={`Rename ${entry.name}`}
                    >
                      Rename
                    </button>{" "}
                    {entry.type === "file" ? (
                      <>
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => void toggleExecutable(entry)}
                          aria-label={`${isExecutable(entry) ? "Make not executable" : "Make executable"}: ${entry.name}`}
                        >
                          {isExecutable(entry) ? "Make not executable" : "Make executable"}
                        </button>{" "}
                      </>
                    ) : null}
                    <button
                      type="button"
                      className="link-button danger"
                      onClick={() => void remove(entry)}
                      aria-label={`Remove ${entry.name}`}
                    >
                      Remove
                    </button>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
          {listing.data && entries.length === 0 ? (
            <tr>
              <td colSpan={4} className="muted">
                This folder is empty.
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      {listing.hasNextPage ? (
        <p className="more">
          <span className="muted small" role="status">
            Showing {entries.length} of {totalEntries}.
          </span>{" "}
          <button
            type="button"
            className="link-button"
            onClick={() => void listing.fetchNextPage()}
            disabled={listing.isFetchingNextPage}
          >
            {listing.isFetchingNextPage ? "Loading…" : "Show more"}
          </button>
        </p>
      ) : null}
    </section>
  );
}

/** Whether anyone may run the file (what `+x` gives). */
function isExecutable(entry: FileEntry): boolean {
  return (entry.mode & 0o111) !== 0;
}
