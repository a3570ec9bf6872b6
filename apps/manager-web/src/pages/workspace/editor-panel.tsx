/**
 * The middle of the workspace: the open files' tabs (● marks unsaved edits), Save, the editor itself, and what a
 * tab says instead of the editor (a binary or too large file, a failed read) or above it (a refused save).
 */
import { type KeyboardEvent, useEffect, useRef } from "react";
import { useApi } from "../../hooks";
import { formatBytes } from "../../lib/format";
import { type EditorTab, tabLabels } from "./editor-tabs-state";
import { maxEditableBytes, maxOpenBytes } from "./file-content";
import { languageForFile, languageLabel } from "./language-for-file";
import type { EditorController } from "./use-editor-tabs";
import { baseName } from "./workspace-paths";

const tabId = (path: string) => `editor-tab-${encodeURIComponent(path)}`;
const panelId = "editor-tabpanel";

export function EditorPanel({ siteName, editor }: { siteName: string; editor: EditorController }) {
  const host = useRef<HTMLDivElement>(null);
  const { mountEditor } = editor;
  useEffect(() => (host.current ? mountEditor(host.current) : undefined), [mountEditor]);
  const { tabs, activePath } = editor.state;
  const labels = tabLabels(tabs.map((tab) => tab.path));
  const active = editor.activeTab;

  // Arrows move between the tabs (the WAI-ARIA tabs pattern, selection following focus).
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0 || tabs.length === 0) return;
    event.preventDefault();
    const index = tabs.findIndex((tab) => tab.path === activePath);
    const next = tabs[(index + step + tabs.length) % tabs.length];
    if (!next) return;
    editor.activate(next.path);
    document.getElementById(tabId(next.path))?.focus();
  };

  return (
    <div className="editor-panel">
      <div className="editor-bar">
        <div role="tablist" aria-label="Open files" className="editor-tablist" onKeyDown={onKeyDown}>
          {tabs.map((tab) => {
            const label = labels.get(tab.path) ?? { name: baseName(tab.path), folder: null };
            const isActive = tab.path === activePath;
            return (
              <span key={tab.path} className={`editor-tab${isActive ? " is-active" : ""}`} data-modified={tab.isDirty}>
                <button
                  type="button"
                  role="tab"
                  id={tabId(tab.path)}
                  aria-selected={isActive}
                  aria-controls={panelId}
                  tabIndex={isActive ? 0 : -1}
                  title={tab.path}
                  onClick={() => editor.activate(tab.path)}
                  onAuxClick={(event) => {
                    if (event.button === 1) void editor.close(tab.path);
                  }}
                >
                  {label.name}
                  {label.folder ? <span className="tab-folder"> — {label.folder}</span> : null}
                  {tab.isDirty ? (
                    <>
                      <span className="tab-dirty" aria-hidden="true">
                        {" "}
                        ●
                      </span>
                      <span className="visually-hidden"> (unsaved)</span>
                    </>
                  ) : null}
                </button>
                <button
                  type="button"
                  className="tab-close"
                  aria-label={`Close ${label.name}`}
                  title={`Close ${tab.path}`}
                  onClick={() => void editor.close(tab.path)}
                >
                  ×
                </button>
              </span>
            );
          })}
        </div>
        <button
          type="button"
          className="button editor-save"
          onClick={editor.saveActive}
          disabled={active?.view !== "text" || active.isReadOnly || !active.isDirty || active.isSaving}
          aria-keyshortcuts="Control+S Meta+S"
          title="Save (Ctrl+S)"
        >
          {active?.isSaving ? "Saving…" : "Save"}
        </button>
      </div>
      <div
        role="tabpanel"
        id={panelId}
        aria-labelledby={active ? tabId(active.path) : undefined}
        aria-label={active ? undefined : "Editor"}
        className="editor-body"
      >
        {active ? <TabNotices siteName={siteName} tab={active} editor={editor} /> : <NoFileOpen />}
        <div ref={host} className="editor-host" hidden={active?.view !== "text"} />
        {active ? <StatusLine tab={active} /> : null}
      </div>
    </div>
  );
}

function NoFileOpen() {
  return (
    <div className="editor-empty">
      <p>Open a file from the tree to edit it.</p>
      <p className="muted small">Ctrl+S saves · Alt+T opens a terminal · Alt+Enter restarts the site's process</p>
    </div>
  );
}

/** What a tab says about its file: why it is not in the editor, or what happened to its last save. */
function TabNotices({ siteName, tab, editor }: { siteName: string; tab: EditorTab; editor: EditorController }) {
  const api = useApi();
  const name = baseName(tab.path);
  const download = (
    <a className="button" href={api.files.downloadUrl(siteName, tab.path)} download={name}>
      Download {name}
    </a>
  );
  switch (tab.view) {
    case "loading":
      return (
        <p className="editor-message muted" role="status">
          Reading {name}…
        </p>
      );
    case "binary":
      return (
        <div className="editor-message">
          <p>{name} is a binary file (not UTF-8 text): it cannot be edited here.</p>
          {download}
        </div>
      );
    case "tooLarge":
      return (
        <div className="editor-message">
          <p>
            {name} is {formatBytes(tab.sizeBytes)}, larger than the {formatBytes(maxOpenBytes)} the editor opens.
          </p>
          {download}
        </div>
      );
    case "failed":
      return (
        <div className="editor-message banner banner-error" role="alert">
          <p>
            {name} could not be read: {tab.error}
          </p>
          <button type="button" className="button" onClick={() => editor.retry(tab.path)}>
            Try again
          </button>
        </div>
      );
    case "text":
      return <TextNotices tab={tab} editor={editor} />;
  }
}

function TextNotices({ tab, editor }: { tab: EditorTab; editor: EditorController }) {
  const name = baseName(tab.path);
  if (tab.hasConflict) {
    return (
      <div className="banner banner-warning editor-notice" role="alert">
        <p>
          <strong>{name} changed on disk since you opened it.</strong> Overwrite it with your version, or reload it from
          disk (your unsaved changes are lost).
        </p>
        <div className="actions">
          <button
            type="button"
            className="button button-danger"
            onClick={() => void editor.save(tab.path, { isOverwrite: true })}
          >
            Overwrite
          </button>
          <button type="button" className="button" onClick={() => void editor.reloadFromDisk(tab.path)}>
            Reload from disk
          </button>
        </div>
      </div>
    );
  }
  return (
    <>
      {tab.error ? (
        <div className="banner banner-error editor-notice" role="alert">
          {name} was not saved: {tab.error}
        </div>
      ) : null}
      {tab.isChangedOnDisk ? (
        <div className="banner banner-warning editor-notice" role="status">
          {name} changed on disk while you were editing it.{" "}
          <button type="button" className="link-button" onClick={() => void editor.reloadFromDisk(tab.path)}>
            Reload from disk
          </button>
        </div>
      ) : null}
      {tab.isReadOnly ? (
        <div className="banner banner-info editor-notice" role="status">
          {name} is larger than {formatBytes(maxEditableBytes)}: it is open read-only. Download it to edit it elsewhere.
        </div>
      ) : null}
    </>
  );
}

function StatusLine({ tab }: { tab: EditorTab }) {
  if (tab.view !== "text") return null;
  return (
    <p className="editor-status muted small">
      <span>{languageLabel(languageForFile(baseName(tab.path)))}</span>
      <span>{formatBytes(tab.sizeBytes)}</span>
      {tab.isReadOnly ? <span>Read-only</span> : null}
      <span className="hide-narrow">Esc then Tab leaves the editor</span>
    </p>
  );
}
