/**
 * A site's workspace at /sites/:name/workspace: the file tree on the left, the editor's tabs in the middle, terminals
 * and the process log in a panel below. Loaded as a chunk of its own (app.tsx); its layout and settings are
 * remembered per site in the browser.
 */
import type { Extension } from "@codemirror/state";
import { useQuery } from "@tanstack/react-query";
import { type CSSProperties, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { SiteView } from "../../api/types";
import { ErrorBanner, Loading } from "../../components/ui";
import { useApi, useApiQueries, useSession } from "../../hooks";
import { pathTo } from "../../lib/routes";
import { Link } from "../../router";
import { BottomPanel, useBottomTabs } from "./bottom-panel";
import { useDialogs } from "./dialogs";
import { loadKeyBindings } from "./editor-key-bindings";
import { EditorPanel } from "./editor-panel";
import { afterMove, afterRemoval, withFolder } from "./expanded-folders";
import { FilePanel } from "./file-panel";
import type { TreeTarget } from "./file-tree";
import { useSiteRestart } from "./process-log-panel";
import { SettingsPopover } from "./settings-popover";
import { Splitter } from "./splitter";
import {
  noSelection,
  selectionAfterMove,
  selectionAfterRemoval,
  selectionOnActivate,
  type TreeSelection,
} from "./tree-selection";
import { useEditorTabs } from "./use-editor-tabs";
import { type TreeChanges, useFileActions } from "./use-file-actions";
import { useFileEvents } from "./use-file-events";
import { useWorkspaceSettings } from "./use-workspace-settings";
import { bottomPanelHeightBounds, type KeyBindings, treeWidthBounds } from "./workspace-settings";
import { shortcutOf } from "./workspace-shortcuts";
import "./workspace.css";

export function WorkspacePage({ name }: { name: string }) {
  const { user } = useSession();
  const loaded = useQuery(useApiQueries().site(name));
  const site = loaded.data;
  if (loaded.isPending) return <Loading what={`the workspace of ${name}`} />;
  if (!site) {
    return (
      <div className="workspace-message">
        <h1>{name}</h1>
        <ErrorBanner error={loaded.error} />
      </div>
    );
  }
  // the site page's rule: a disabled site's files cannot be changed, except by administrators
  const canEdit = user.isSuperuser || site.availability !== "disabled";
  if (!canEdit || !site.isReady) {
    return (
      <div className="workspace-message">
        <h1>{site.name}</h1>
        <p>
          {site.isReady
            ? "This site is disabled: its files cannot be changed. Ask an administrator if you think this is a mistake."
            : "This site is still being set up. Its workspace opens once it is ready."}
        </p>
        <Link to={pathTo("site", { name: site.name })}>Back to the site</Link>
      </div>
    );
  }
  return <Workspace site={site} />;
}

function Workspace({ site }: { site: SiteView }) {
  const api = useApi();
  const { settings, change } = useWorkspaceSettings(site.name);
  const dialogs = useDialogs();
  const keyBindings = useKeyBindings(settings.keyBindings);
  const look = useMemo(
    () => ({ isDark: settings.theme === "dark", fontSizePx: settings.fontSizePx, keyBindings }),
    [settings.theme, settings.fontSizePx, keyBindings],
  );
  const editor = useEditorTabs(site.name, look, dialogs);
  const [selection, setSelection] = useState<TreeSelection>(noSelection);
  const folders = useMemo<TreeChanges>(
    () => ({
      expand: (folder) => change((current) => ({ expandedFolders: withFolder(current.expandedFolders, folder, true) })),
      move: (from, to) => {
        change((current) => ({ expandedFolders: afterMove(current.expandedFolders, from, to) }));
        setSelection((current) => selectionAfterMove(current, from, to));
      },
      remove: (path) => {
        change((current) => ({ expandedFolders: afterRemoval(current.expandedFolders, path) }));
        setSelection((current) => selectionAfterRemoval(current, path));
      },
    }),
    [change],
  );
  const activateRow = useCallback(
    (rowId: string, target: TreeTarget | null) =>
      setSelection((current) => selectionOnActivate(current, rowId, target)),
    [],
  );
  const actions = useFileActions({ siteName: site.name, dialogs, editor, folders });
  const events = useFileEvents(site.name, settings.expandedFolders, folders.remove);
  const bottomTabs = useBottomTabs();
  const database = useQuery(useApiQueries().siteDatabase(site.name));
  const restarter = useSiteRestart(site, true);

  // The first terminal opens with the panel: what most visits come for. Later ones open when asked.
  const hasOpenedTerminal = useRef(false);
  const { openTerminal } = bottomTabs;
  useEffect(() => {
    if (!settings.isBottomPanelOpen || hasOpenedTerminal.current) return;
    hasOpenedTerminal.current = true;
    openTerminal();
  }, [settings.isBottomPanelOpen, openTerminal]);

  const newTerminal = useCallback(() => {
    hasOpenedTerminal.current = true;
    change({ isBottomPanelOpen: true });
    openTerminal();
  }, [change, openTerminal]);

  const { saveActive } = editor;
  const { restart, canRestart } = restarter;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const shortcut = shortcutOf(event);
      if (shortcut === null) return;
      if (shortcut === "restart" && !canRestart) return;
      event.preventDefault(); // Ctrl+S must never open the browser's "Save page" dialog
      if (shortcut === "save") saveActive();
      else if (shortcut === "newTerminal") newTerminal();
      else void restart();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [saveActive, newTerminal, restart, canRestart]);

  // A terminal closed because the session ended: asking who is logged in sends the app to the login page.
  const onSessionEnded = useCallback(() => void api.auth.me().catch(() => undefined), [api]);

  const layout = {
    "--tree-width": `${settings.treeWidthPx}px`,
    "--panel-height": `${settings.bottomPanelHeightPx}px`,
  } as CSSProperties;
  const toggleFolder = useCallback(
    (path: string, isExpanded: boolean) =>
      change((current) => ({ expandedFolders: withFolder(current.expandedFolders, path, isExpanded) })),
    [change],
  );

  return (
    <div
      className={`workspace${settings.isTreeCollapsed ? " tree-collapsed" : ""}${settings.isBottomPanelOpen ? "" : " panel-closed"}`}
      data-theme={settings.theme}
      style={layout}
    >
      <header className="workspace-head">
        <h1>
          {site.name} <span className="muted">workspace</span>
        </h1>
        <Link to={pathTo("site", { name: site.name })} className="small">
          Back to the site
        </Link>
        <span className="workspace-head-actions">
          <button
            type="button"
            className="tool-button"
            aria-expanded={!settings.isTreeCollapsed}
            aria-controls="workspace-files"
            onClick={() => change({ isTreeCollapsed: !settings.isTreeCollapsed })}
          >
            {settings.isTreeCollapsed ? "Show files" : "Hide files"}
          </button>
          {settings.isBottomPanelOpen ? null : (
            <button type="button" className="tool-button" onClick={() => change({ isBottomPanelOpen: true })}>
              Show panel
            </button>
          )}
          <SettingsPopover settings={settings} onChange={change} />
        </span>
      </header>
      <div className="workspace-main">
        <aside id="workspace-files" className="files-pane" aria-label="Site files" hidden={settings.isTreeCollapsed}>
          <FilePanel
            siteName={site.name}
            canEdit
            expanded={settings.expandedFolders}
            isShowingHidden={settings.isShowingHiddenFiles}
            isLive={events.isLive}
            actions={actions}
            selection={selection}
            onActivate={activateRow}
            onToggleFolder={toggleFolder}
            onOpenFile={editor.open}
            onReconnectEvents={events.reconnect}
          />
        </aside>
        {settings.isTreeCollapsed ? null : (
          <Splitter
            label="Resize the file tree"
            orientation="vertical"
            valuePx={settings.treeWidthPx}
            bounds={treeWidthBounds}
            direction={1}
            onChange={(treeWidthPx) => change({ treeWidthPx })}
          />
        )}
        <div className="center-pane">
          <EditorPanel siteName={site.name} editor={editor} />
          {settings.isBottomPanelOpen ? (
            <Splitter
              label="Resize the terminal panel"
              orientation="horizontal"
              valuePx={settings.bottomPanelHeightPx}
              bounds={bottomPanelHeightBounds}
              direction={-1}
              onChange={(bottomPanelHeightPx) => change({ bottomPanelHeightPx })}
            />
          ) : null}
          <section className="bottom-pane" aria-label="Terminals and process log" hidden={!settings.isBottomPanelOpen}>
            <BottomPanel
              site={site}
              tabs={bottomTabs}
              look={look}
              restarter={restarter}
              canEdit
              hasDatabase={database.data?.database?.status === "ready"}
              onHide={() => change({ isBottomPanelOpen: false })}
              onSessionEnded={onSessionEnded}
            />
          </section>
        </div>
      </div>
      {dialogs.element}
    </div>
  );
}

/** The chosen key bindings' extension, once loaded (CodeMirror's own until then). */
function useKeyBindings(kind: KeyBindings): Extension {
  const [loaded, setLoaded] = useState<{ kind: KeyBindings; extension: Extension }>({ kind: "default", extension: [] });
  useEffect(() => {
    let isCurrent = true;
    loadKeyBindings(kind).then(
      (extension) => {
        if (isCurrent) setLoaded({ kind, extension });
      },
      () => undefined, // a chunk that does not load leaves the default keys, which still edit
    );
    return () => {
      isCurrent = false;
    };
  }, [kind]);
  return loaded.extension;
}
