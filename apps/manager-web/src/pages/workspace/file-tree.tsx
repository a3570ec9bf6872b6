/**
 * The site's files as a tree (the WAI-ARIA tree pattern, with aria-activedescendant: the tree keeps the focus, the
 * active row is announced and outlined). The rows are one flat list, nesting said by aria-level, so that each
 * treeitem is its own row only (a folder's box does not take in its children's rows). Folders are read when opened, a page at a time; entries drag onto folders
 * to move, and files dragged in from the computer upload into the folder they are dropped on.
 */
import { useInfiniteQuery } from "@tanstack/react-query";
import { type DragEvent, type KeyboardEvent, type MouseEvent, useEffect, useId, useRef, useState } from "react";
import { messageOf } from "../../api/errors";
import type { FileEntry } from "../../api/types";
import { useApiQueries } from "../../hooks";
import { formatBytes, joinPath, parentPath } from "../../lib/format";
import { isExecutableMode } from "./file-content";
import { entrySign, shownEntries } from "./tree-entries";
import { type TreeRow, treeKeyAction } from "./tree-keys";

/** The drag data of an entry dragged inside the tree: its path. */
const entryDragType = "application/x-director-path";
/** Row ids are paths; a folder's "Load more" row gets one no path can have (paths never start with "/"). */
const moreRowId = (folder: string) => `/more/${folder}`;

export interface TreeTarget {
  path: string;
  entry: FileEntry;
}

export interface FileTreeProps {
  siteName: string;
  expanded: ReadonlySet<string>;
  isShowingHidden: boolean;
  canEdit: boolean;
  /** the active row (tree-selection.ts): an entry's path, or another row's id */
  activeId: string | null;
  onToggle(path: string, isExpanded: boolean): void;
  /** the row `rowId` became active; `target` is its entry, null for a row that is none */
  onActivate(rowId: string, target: TreeTarget | null): void;
  onOpenFile(target: TreeTarget): void;
  /** the entry at `from` was dropped on the folder `toFolder` */
  onMove(from: string, toFolder: string): void;
  /** files from the computer were dropped on the folder `folder` */
  onDropFiles(folder: string, transfer: DataTransfer): void;
  /** the context menu of an entry, or of the site directory (null), at a point of the window */
  onMenu(target: TreeTarget | null, at: { x: number; y: number }): void;
  /** keyboard shortcuts on the active entry: F2 renames, Delete deletes */
  onRename(target: TreeTarget): void;
  onDelete(target: TreeTarget): void;
}

interface RowContext extends FileTreeProps {
  domId: (rowId: string) => string;
  dropFolder: string | null;
  activate(rowId: string, target: TreeTarget | null): void;
  dragOver(event: DragEvent, folder: string): void;
  drop(event: DragEvent, folder: string): void;
  targets: Map<string, TreeTarget>;
}

export function FileTree(props: FileTreeProps) {
  const treeId = useId();
  const tree = useRef<HTMLUListElement>(null);
  const { activeId, onActivate: activate } = props;
  const [dropFolder, setDropFolder] = useState<string | null>(null);
  /** the entries of the rows rendered, by path, for the keyboard (which finds rows in the DOM) */
  const targets = useRef(new Map<string, TreeTarget>()).current;
  const domId = (rowId: string) => `${treeId}-${encodeURIComponent(rowId)}`;

  useEffect(() => {
    if (activeId !== null)
      document.getElementById(`${treeId}-${encodeURIComponent(activeId)}`)?.scrollIntoView({ block: "nearest" });
  }, [activeId, treeId]);

  const canDrop = (event: DragEvent) =>
    props.canEdit && (event.dataTransfer.types.includes(entryDragType) || event.dataTransfer.types.includes("Files"));
  const dragOver = (event: DragEvent, folder: string) => {
    if (!canDrop(event)) return;
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = event.dataTransfer.types.includes(entryDragType) ? "move" : "copy";
    setDropFolder(folder);
  };
  const drop = (event: DragEvent, folder: string) => {
    if (!canDrop(event)) return;
    event.preventDefault();
    event.stopPropagation();
    setDropFolder(null);
    const moved = event.dataTransfer.getData(entryDragType);
    if (moved) props.onMove(moved, folder);
    else props.onDropFiles(folder, event.dataTransfer);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const active = activeId === null ? undefined : targets.get(activeId);
    if (active && (event.key === "ContextMenu" || (event.shiftKey && event.key === "F10"))) {
      event.preventDefault();
      const box = document.getElementById(domId(active.path))?.getBoundingClientRect();
      props.onMenu(active, { x: box ? box.left + 24 : 0, y: box ? box.top + 24 : 0 });
      return;
    }
    if (active && props.canEdit && event.key === "F2") {
      event.preventDefault();
      props.onRename(active);
      return;
    }
    if (active && props.canEdit && event.key === "Delete") {
      event.preventDefault();
      props.onDelete(active);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || !tree.current) return;
    const action = treeKeyAction(event.key, rowsOf(tree.current), activeId ?? "");
    if (!action) return;
    event.preventDefault();
    const target = targets.get(action.id) ?? null;
    if (action.type === "focus") activate(action.id, target);
    else if (action.type === "expand" || action.type === "collapse")
      props.onToggle(action.id, action.type === "expand");
    else document.getElementById(domId(action.id))?.click();
  };

  const context: RowContext = { ...props, domId, dropFolder, activate, dragOver, drop, targets };
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the whole panel takes drops into (and menus of) the site directory
    <div
      className={`file-tree${dropFolder === "" ? " is-drop-target" : ""}`}
      onDragOver={(event) => dragOver(event, "")}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropFolder(null);
      }}
      onDrop={(event) => drop(event, "")}
      onContextMenu={(event) => {
        event.preventDefault();
        props.onMenu(null, { x: event.clientX, y: event.clientY });
      }}
    >
      <ul
        ref={tree}
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: the WAI-ARIA tree pattern is a list of treeitems
        role="tree"
        aria-label="Files"
        tabIndex={0}
        aria-activedescendant={activeId === null ? undefined : domId(activeId)}
        onKeyDown={onKeyDown}
        onFocus={() => {
          if (activeId === null && tree.current) {
            const first = rowsOf(tree.current)[0];
            if (first) activate(first.id, targets.get(first.id) ?? null);
          }
        }}
      >
        <FolderRows folder="" level={1} context={context} />
      </ul>
    </div>
  );
}

/** The visible rows in order, as the keyboard moves through them. */
function rowsOf(tree: HTMLElement): TreeRow[] {
  return [...tree.querySelectorAll<HTMLElement>("[role=treeitem]")].map((element) => ({
    id: element.dataset.rowId ?? "",
    name: element.dataset.name ?? "",
    level: Number(element.getAttribute("aria-level")),
    kind: (element.dataset.kind ?? "file") as TreeRow["kind"],
    isExpanded: element.getAttribute("aria-expanded") === "true",
  }));
}

function FolderRows({ folder, level, context }: { folder: string; level: number; context: RowContext }) {
  const queries = useApiQueries();
  const listing = useInfiniteQuery(queries.siteFiles(context.siteName, folder));
  const loaded = listing.data?.pages.flatMap((page) => page.entries) ?? [];
  const entries = shownEntries(loaded, context.isShowingHidden);
  const total = listing.data?.pages[0]?.totalEntries ?? 0;
  const indent = { paddingInlineStart: `${0.4 + (level - 1) * 0.9}rem` };
  const moreId = moreRowId(folder);
  return (
    <>
      {entries.map((entry) => (
        <EntryRow key={entry.name} entry={entry} path={joinPath(folder, entry.name)} level={level} context={context} />
      ))}
      {listing.isPending ? (
        <li role="none" className="tree-note" style={indent}>
          Loading…
        </li>
      ) : null}
      {listing.error ? (
        <li role="none" className="tree-note tree-error" style={indent}>
          {messageOf(listing.error)}
        </li>
      ) : null}
      {listing.isSuccess && loaded.length === 0 && level > 1 ? (
        <li role="none" className="tree-note" style={indent}>
          Empty folder
        </li>
      ) : null}
      {listing.hasNextPage ? (
        // biome-ignore lint/a11y/useFocusableInteractive: the tree keeps the focus and points at its active row (aria-activedescendant)
        // biome-ignore lint/a11y/useKeyWithClickEvents: the tree's keyboard handler (Enter) clicks the active row
        <li
          role="treeitem"
          id={context.domId(moreId)}
          aria-level={level}
          aria-selected={context.activeId === moreId}
          data-row-id={moreId}
          data-kind="more"
          data-name="Load more"
          className={context.activeId === moreId ? "is-active" : undefined}
          onClick={() => {
            context.activate(moreId, null);
            if (!listing.isFetchingNextPage) void listing.fetchNextPage();
          }}
        >
          <div className="tree-row tree-more" style={indent}>
            {listing.isFetchingNextPage ? "Loading…" : `Load more (${loaded.length} of ${total} shown)`}
          </div>
        </li>
      ) : null}
    </>
  );
}

function EntryRow(props: { entry: FileEntry; path: string; level: number; context: RowContext }) {
  const { entry, path, level, context } = props;
  const isFolder = entry.type === "directory";
  const isExpanded = isFolder && context.expanded.has(path);
  const target: TreeTarget = { path, entry };
  context.targets.set(path, target);
  const folderForDrop = isFolder ? path : parentPath(path);
  const isActive = context.activeId === path;
  const isDropTarget = context.dropFolder === folderForDrop;
  const sign = entrySign(entry);

  const onClick = () => {
    context.activate(path, target);
    if (isFolder) context.onToggle(path, !isExpanded);
    else if (entry.type === "file") context.onOpenFile(target);
  };
  const openMenu = (event: MouseEvent) => {
    event.preventDefault();
    event.stopPropagation();
    context.activate(path, target);
    context.onMenu(target, { x: event.clientX, y: event.clientY });
  };

  return (
    <>
      {/* biome-ignore lint/a11y/useFocusableInteractive: the tree keeps the focus and points at its active row (aria-activedescendant) */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the tree's keyboard handler (Enter) clicks the active row */}
      <li
        role="treeitem"
        id={context.domId(path)}
        aria-label={entry.name}
        aria-level={level}
        aria-expanded={isFolder ? isExpanded : undefined}
        aria-selected={isActive}
        data-row-id={path}
        data-kind={isFolder ? "folder" : "file"}
        data-name={entry.name}
        className={[isActive ? "is-active" : "", isDropTarget ? "is-drop-target" : ""].join(" ").trim() || undefined}
        draggable={context.canEdit}
        onClick={onClick}
        onContextMenu={openMenu}
        onDragStart={(event) => {
          event.stopPropagation();
          event.dataTransfer.setData(entryDragType, path);
          event.dataTransfer.effectAllowed = "move";
        }}
        onDragOver={(event) => context.dragOver(event, folderForDrop)}
        onDrop={(event) => context.drop(event, folderForDrop)}
      >
        <div
          className="tree-row"
          style={{ paddingInlineStart: `${0.4 + (level - 1) * 0.9}rem` }}
          title={isFolder ? path : `${path} · ${formatBytes(entry.sizeBytes)}`}
        >
          <span className="tree-twisty" aria-hidden="true">
            {isFolder ? (isExpanded ? "▾" : "▸") : ""}
          </span>
          {sign ? (
            <span className="tree-icon" aria-hidden="true" title={sign.title}>
              {sign.sign}
            </span>
          ) : null}
          <span className="tree-name">{entry.name}</span>
          {entry.type === "file" && isExecutableMode(entry.mode) ? (
            <span className="tree-badge" title="Executable" aria-hidden="true">
              x
            </span>
          ) : null}
          <button
            type="button"
            className="tree-menu-button"
            tabIndex={-1}
            aria-label={`Actions for ${entry.name}`}
            onClick={openMenu}
          >
            ⋯
          </button>
        </div>
      </li>
      {isExpanded ? <FolderRows folder={path} level={level + 1} context={context} /> : null}
    </>
  );
}
