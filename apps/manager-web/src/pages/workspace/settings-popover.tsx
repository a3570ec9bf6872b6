/** The workspace's settings behind a "Settings" button: theme, font size, key bindings, hidden files. Per site. */
import { useEffect, useId, useRef, useState } from "react";
import {
  fontSizeBounds,
  type KeyBindings,
  keyBindingKinds,
  type WorkspaceSettings,
  type WorkspaceTheme,
} from "./workspace-settings";

const keyBindingNames: Record<KeyBindings, string> = { default: "Standard", vim: "Vim", emacs: "Emacs" };

export function SettingsPopover(props: {
  settings: WorkspaceSettings;
  onChange(update: Partial<WorkspaceSettings>): void;
}) {
  const [isOpen, setIsOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const { settings, onChange } = props;

  useEffect(() => {
    if (!isOpen) return;
    const closeOutside = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setIsOpen(false);
    };
    document.addEventListener("pointerdown", closeOutside, true);
    return () => document.removeEventListener("pointerdown", closeOutside, true);
  }, [isOpen]);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the settings closes them
    <div
      className="settings"
      ref={root}
      onKeyDown={(event) => {
        if (event.key === "Escape" && isOpen) {
          event.stopPropagation();
          setIsOpen(false);
          root.current?.querySelector<HTMLElement>("button")?.focus();
        }
      }}
    >
      <button
        type="button"
        className="tool-button"
        aria-expanded={isOpen}
        aria-controls={panelId}
        onClick={() => setIsOpen((open) => !open)}
      >
        Settings
      </button>
      <div id={panelId} className="settings-panel" hidden={!isOpen}>
        <fieldset className="field">
          <legend>Theme</legend>
          {(["light", "dark"] as const).map((theme: WorkspaceTheme) => (
            <label key={theme} className="radio">
              <input
                type="radio"
                name={`${panelId}-theme`}
                checked={settings.theme === theme}
                onChange={() => onChange({ theme })}
              />
              {theme === "light" ? "Light" : "Dark"}
            </label>
          ))}
        </fieldset>
        <div className="field">
          {/* uncontrolled: typing "16" passes through "1", which is no size to apply */}
          <label htmlFor={`${panelId}-font`}>Font size</label>
          <input
            id={`${panelId}-font`}
            type="number"
            min={fontSizeBounds.min}
            max={fontSizeBounds.max}
            defaultValue={settings.fontSizePx}
            onChange={(event) => {
              const value = event.target.valueAsNumber;
              if (Number.isFinite(value) && value >= fontSizeBounds.min && value <= fontSizeBounds.max) {
                onChange({ fontSizePx: Math.round(value) });
              }
            }}
          />
        </div>
        <fieldset className="field">
          <legend>Key bindings</legend>
          {keyBindingKinds.map((kind) => (
            <label key={kind} className="radio">
              <input
                type="radio"
                name={`${panelId}-keys`}
                checked={settings.keyBindings === kind}
                onChange={() => onChange({ keyBindings: kind })}
              />
              {keyBindingNames[kind]}
            </label>
          ))}
        </fieldset>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.isShowingHiddenFiles}
            onChange={(event) => onChange({ isShowingHiddenFiles: event.target.checked })}
          />
          Show hidden files
        </label>
      </div>
    </div>
  );
}
