/**
 * The left of the workspace: the file toolbar (acting on the selected entry, or on the folder it is in), the tree,
 * the entries' context menu, and an upload's progress and outcome.
 */
import { useCallback, useRef, useState } from "react";
import { ErrorBanner } from "../../components/ui";
import { useApi } from "../../hooks";
import { formatBytes, parentPath } from "../../lib/format";
import { EntryMenu, type MenuItem } from "./entry-menu";
import { isExecutableMode } from "./file-content";
import { FileTree, type TreeTarget } from "./file-tree";
import type { TreeSelection } from "./tree-selection";
import type { FileActions } from "./use-file-actions";
import { downloadFrom } from "./use-file-actions";
import type { UploadStatus } from "./use-upload";

interface MenuState {
  target: TreeTarget | null;
  at: { x: number; y: number };
}

export function FilePanel(props: {
  siteName: string;
  canEdit: boolean;
  expanded: readonly string[];
  isShowingHidden: boolean;
  isLive: boolean;
  actions: FileActions;
  /** the tree's active row and the entry the toolbar acts on (kept by the page, which follows changes) */
  selection: TreeSelection;
  onActivate(rowId: string, target: TreeTarget | null): void;
  onToggleFolder(path: string, isExpanded: boolean): void;
  onOpenFile(target: TreeTarget): void;
  onReconnectEvents(): void;
}) {
  const { siteName, canEdit, actions } = props;
  const api = useApi();
  const selected = props.selection.target;
  const [menu, setMenu] = useState<MenuState | null>(null);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const expandedSet = new Set(props.expanded);

  /** Where new things go: the selected folder, or the folder of the selected file. */
  const folderOf = (target: TreeTarget | null) =>
    target === null ? "" : target.entry.type === "directory" ? target.path : parentPath(target.path);
  const targetFolder = folderOf(selected);
  const uploadInto = useRef("");

  const closeMenu = useCallback(() => {
    setMenu(null);
    panel.current?.querySelector<HTMLElement>("[role=tree]")?.focus();
  }, []);

  const pickFiles = (input: HTMLInputElement | null, folder: string) => {
    uploadInto.current = folder;
    input?.click();
  };

  const menuItems = (target: TreeTarget | null): MenuItem[] => {
    const folder = folderOf(target);
    const items: MenuItem[] = [];
    if (target?.entry.type === "file") {
      items.push({ label: "Open", run: () => props.onOpenFile(target) });
      items.push({
        label: "Download",
        run: () => downloadFrom(api.files.downloadUrl(siteName, target.path), target.entry.name),
      });
    }
    if (target === null || target.entry.type === "directory") {
      if (canEdit) {
        items.push({ label: "New file", run: () => void actions.newFile(folder) });
        items.push({ label: "New folder", run: () => void actions.newFolder(folder) });
        items.push({ label: "Upload files", run: () => pickFiles(filesInput.current, folder) });
      }
      items.push({ label: "Download as zip", run: () => downloadFrom(api.files.zipUrl(siteName, folder)) });
    }
    if (target !== null && canEdit) {
      items.push({ label: "Rename", run: () => void actions.rename(target) });
      if (target.entry.type === "file") {
        const isExecutable = isExecutableMode(target.entry.mode);
        items.push({
          label: isExecutable ? "Make not executable" : "Make executable",
          run: () => actions.setExecutable(target, !isExecutable),
        });
      }
      items.push({ label: "Delete", isDanger: true, run: () => void actions.remove(target) });
    }
    return items;
  };

  const { upload } = actions;
  return (
    <div className="file-panel" ref={panel}>
      {canEdit ? (
        <div className="file-toolbar" role="toolbar" aria-label="File actions">
          <button type="button" className="tool-button" onClick={() => void actions.newFile(targetFolder)}>
            New file
          </button>
          <button type="button" className="tool-button" onClick={() => void actions.newFolder(targetFolder)}>
            New folder
          </button>
          <button
            type="button"
            className="tool-button"
            disabled={selected === null}
            onClick={() => selected && void actions.rename(selected)}
          >
            Rename
          </button>
          <button
            type="button"
            className="tool-button"
            disabled={selected === null}
            onClick={() => selected && void actions.remove(selected)}
          >
            Delete
          </button>
          <button
            type="button"
            className="tool-button"
            disabled={upload.status.isRunning}
            onClick={() => pickFiles(filesInput.current, targetFolder)}
          >
            Upload files
          </button>
          <button
            type="button"
            className="tool-button"
            disabled={upload.status.isRunning}
            onClick={() => pickFiles(folderInput.current, targetFolder)}
          >
            Upload folder
          </button>
          <a
            className="tool-button"
            href={api.files.zipUrl(siteName, targetFolder)}
            download
            title={`Download ${targetFolder === "" ? "the whole site" : targetFolder} as a zip`}
          >
            Download as zip
          </a>
          <input
            ref={filesInput}
            type="file"
            multiple
            hidden
            data-testid="upload-files-input"
            onChange={(event) => {
              if (event.target.files) actions.uploadFiles(uploadInto.current, event.target.files);
              event.target.value = "";
            }}
          />
          <input
            ref={(input) => {
              folderInput.current = input;
              // not in React's types: the folder picker of every current browser
              input?.setAttribute("webkitdirectory", "");
            }}
            type="file"
            hidden
            data-testid="upload-folder-input"
            onChange={(event) => {
              if (event.target.files) actions.uploadFiles(uploadInto.current, event.target.files);
              event.target.value = "";
            }}
          />
        </div>
      ) : null}
      <p className="tree-target muted small">
        {canEdit ? <>New files go into {targetFolder === "" ? siteName : targetFolder}. </> : null}
        {props.isLive ? (
          <span className="live-badge" title="The tree follows changes as they happen">
            ● Live
          </span>
        ) : (
          <button
            type="button"
            className="link-button"
            onClick={props.onReconnectEvents}
            title="The tree is not following changes"
          >
            Not live — refresh
          </button>
        )}
      </p>
      <UploadProgress status={upload.status} onStop={upload.stop} onDismiss={upload.dismiss} />
      <ErrorBanner error={actions.error} />
      <FileTree
        siteName={siteName}
        expanded={expandedSet}
        isShowingHidden={props.isShowingHidden}
        canEdit={canEdit}
        activeId={props.selection.activeId}
        onToggle={props.onToggleFolder}
        onActivate={props.onActivate}
        onOpenFile={props.onOpenFile}
        onMove={(from, toFolder) => void actions.move(from, toFolder)}
        onDropFiles={actions.uploadDrop}
        onMenu={(target, at) => setMenu({ target, at })}
        onRename={(target) => void actions.rename(target)}
        onDelete={(target) => void actions.remove(target)}
      />
      {menu ? (
        <EntryMenu
          label={menu.target ? `Actions for ${menu.target.entry.name}` : `Actions for ${siteName}`}
          items={menuItems(menu.target)}
          at={menu.at}
          onClose={closeMenu}
        />
      ) : null}
    </div>
  );
}

function UploadProgress(props: { status: UploadStatus; onStop(): void; onDismiss(): void }) {
  const { status } = props;
  if (status.isRunning) {
    return (
      <div className="upload-progress" role="status">
        <label>
          Uploading {status.fileCount} {status.fileCount === 1 ? "file" : "files"}: {formatBytes(status.sentBytes)} of{" "}
          {formatBytes(status.totalBytes)}
          <progress max={Math.max(1, status.totalBytes)} value={status.sentBytes} />
        </label>
        <button type="button" className="link-button" onClick={props.onStop}>
          Stop upload
        </button>
      </div>
    );
  }
  const { summary } = status;
  if (!summary) return null;
  const hasFailures = summary.failures.length > 0;
  return (
    <div
      className={`banner ${hasFailures ? "banner-error" : "banner-info"} upload-summary`}
      role={hasFailures ? "alert" : "status"}
    >
      <p>
        {summary.uploadedCount} {summary.uploadedCount === 1 ? "file" : "files"} uploaded
        {summary.isStopped ? "; the upload was stopped" : ""}.
      </p>
      {hasFailures ? (
        <ul>
          {summary.failures.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
      <button type="button" className="link-button" onClick={props.onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
