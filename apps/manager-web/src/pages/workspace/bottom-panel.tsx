/**
 * The panel under the editor: terminal tabs (each its own shell and socket; "+" or Alt+T opens one) and the
 * Process log tab, and the SQL console's when the site has a database. Hidden tabs stay mounted, so a terminal keeps its shell and its scrollback while another shows.
 */
import { type KeyboardEvent, useCallback, useRef, useState } from "react";
import type { SiteView } from "../../api/types";
import { SqlConsole } from "../site/sql-console";
import { ProcessLogPanel, type SiteRestart } from "./process-log-panel";
import { nextTerminalNumber } from "./terminal-protocol";
import { TerminalView } from "./terminal-view";
import type { XtermLook } from "./xterm-terminal";

interface TerminalTab {
  id: number;
  number: number;
  title: string;
}

const processTab = "process";
/** the SQL console, when the site has a ready database */
const sqlTab = "sql";
type PanelTab = number | typeof processTab | typeof sqlTab;

/** The panel's tabs: which terminals are open and which tab shows. */
export function useBottomTabs() {
  const [terminals, setTerminals] = useState<TerminalTab[]>([]);
  const [active, setActive] = useState<PanelTab>(processTab);
  const nextId = useRef(1);
  const openTerminal = useCallback(() => {
    const id = nextId.current++;
    setTerminals((current) => [
      ...current,
      { id, number: nextTerminalNumber(current.map((tab) => tab.number)), title: "" },
    ]);
    setActive(id);
  }, []);
  const closeTerminal = useCallback(
    (id: number) => {
      const index = terminals.findIndex((tab) => tab.id === id);
      const rest = terminals.filter((tab) => tab.id !== id);
      setTerminals(rest);
      if (active === id) setActive((rest[index] ?? rest[index - 1])?.id ?? processTab);
    },
    [terminals, active],
  );
  const setTitle = useCallback(
    (id: number, title: string) =>
      setTerminals((current) => current.map((tab) => (tab.id === id && tab.title !== title ? { ...tab, title } : tab))),
    [],
  );
  return { terminals, active, setActive, openTerminal, closeTerminal, setTitle };
}

export type BottomTabs = ReturnType<typeof useBottomTabs>;

export function BottomPanel(props: {
  site: SiteView;
  tabs: BottomTabs;
  look: XtermLook;
  restarter: SiteRestart;
  canEdit: boolean;
  /** the site has a database ready: the SQL tab shows */
  hasDatabase: boolean;
  onHide(): void;
  onSessionEnded(): void;
}) {
  const { site, tabs } = props;
  const order: PanelTab[] = [
    ...tabs.terminals.map((tab) => tab.id),
    processTab,
    ...(props.hasDatabase ? [sqlTab as PanelTab] : []),
  ];
  const tabId = (tab: PanelTab) => `workspace-panel-tab-${tab}`;
  const panelId = (tab: PanelTab) => `workspace-panel-${tab}`;

  // Arrows move between the tabs (the WAI-ARIA tabs pattern, selection following focus).
  const onKeyDown = (event: KeyboardEvent) => {
    const index = order.indexOf(tabs.active);
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = order[(index + step + order.length) % order.length] ?? processTab;
    tabs.setActive(next);
    document.getElementById(tabId(next))?.focus();
  };

  return (
    <div className="bottom-panel">
      <div className="panel-tabs">
        <div role="tablist" aria-label="Terminals and process log" className="panel-tablist" onKeyDown={onKeyDown}>
          {tabs.terminals.map((terminal) => {
            const label = `Terminal ${terminal.number}`;
            const isActive = tabs.active === terminal.id;
            return (
              <span key={terminal.id} className={`panel-tab${isActive ? " is-active" : ""}`}>
                <button
                  type="button"
                  role="tab"
                  id={tabId(terminal.id)}
                  aria-selected={isActive}
                  aria-controls={panelId(terminal.id)}
                  tabIndex={isActive ? 0 : -1}
                  onClick={() => tabs.setActive(terminal.id)}
                  title={terminal.title || label}
                >
                  {label}
                  {terminal.title ? <span className="panel-tab-title">— {terminal.title}</span> : null}
                </button>
                <button
                  type="button"
                  className="tab-close"
                  aria-label={`Close ${label}`}
                  title={`Close ${label}`}
                  onClick={() => tabs.closeTerminal(terminal.id)}
                >
                  ×
                </button>
              </span>
            );
          })}
          <span className={`panel-tab${tabs.active === processTab ? " is-active" : ""}`}>
            <button
              type="button"
              role="tab"
              id={tabId(processTab)}
              aria-selected={tabs.active === processTab}
              aria-controls={panelId(processTab)}
              tabIndex={tabs.active === processTab ? 0 : -1}
              onClick={() => tabs.setActive(processTab)}
            >
              Process log
            </button>
          </span>
          {props.hasDatabase ? (
            <span className={`panel-tab${tabs.active === sqlTab ? " is-active" : ""}`}>
              <button
                type="button"
                role="tab"
                id={tabId(sqlTab)}
                aria-selected={tabs.active === sqlTab}
                aria-controls={panelId(sqlTab)}
                tabIndex={tabs.active === sqlTab ? 0 : -1}
                onClick={() => tabs.setActive(sqlTab)}
              >
                SQL
              </button>
            </span>
          ) : null}
        </div>
        {props.canEdit ? (
          <button
            type="button"
            className="icon-button"
            aria-label="New terminal"
            title="New terminal (Alt+T)"
            aria-keyshortcuts="Alt+T"
            onClick={tabs.openTerminal}
          >
            +
          </button>
        ) : null}
        <button
          type="button"
          className="icon-button panel-hide"
          aria-label="Hide panel"
          title="Hide panel"
          onClick={props.onHide}
        >
          ▾
        </button>
      </div>
      <div className="panel-body">
        {tabs.terminals.map((terminal) => (
          <div
            key={terminal.id}
            role="tabpanel"
            id={panelId(terminal.id)}
            aria-labelledby={tabId(terminal.id)}
            className="panel-page"
            hidden={tabs.active !== terminal.id}
          >
            <TerminalView
              siteName={site.name}
              label={`Terminal ${terminal.number}`}
              isShown={tabs.active === terminal.id}
              look={props.look}
              onTitle={(title) => tabs.setTitle(terminal.id, title)}
              onSessionEnded={props.onSessionEnded}
            />
          </div>
        ))}
        <div
          role="tabpanel"
          id={panelId(processTab)}
          aria-labelledby={tabId(processTab)}
          className="panel-page"
          hidden={tabs.active !== processTab}
        >
          <ProcessLogPanel site={site} restarter={props.restarter} isShown={tabs.active === processTab} />
        </div>
        {props.hasDatabase ? (
          <div
            role="tabpanel"
            id={panelId(sqlTab)}
            aria-labelledby={tabId(sqlTab)}
            className="panel-page panel-scroll"
            hidden={tabs.active !== sqlTab}
          >
            <SqlConsole site={site.name} />
          </div>
        ) : null}
      </div>
    </div>
  );
}
