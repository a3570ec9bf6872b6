/**
 * The editor's open files over one CodeMirror view: each file keeps its own EditorState (text, undo history,
 * selection) and the text it was last saved with, so switching tabs keeps everything and "unsaved" means "differs
 * from what is on disk" (undoing back to the saved text clears the mark). The only module that touches CodeMirror.
 */
import { indentWithTab, temporarilySetTabFocusMode } from "@codemirror/commands";
import { Compartment, EditorState, type Extension, type StateEffect, type Text } from "@codemirror/state";
import { oneDark } from "@codemirror/theme-one-dark";
import { EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import { baseName } from "./workspace-paths";

export interface EditorLook {
  isDark: boolean;
  fontSizePx: number;
  /** Vim's or Emacs's bindings (editor-key-bindings.ts), or none for CodeMirror's own */
  keyBindings: Extension;
}

interface Session {
  path: string;
  state: EditorState;
  savedDoc: Text;
  isDirty: boolean;
  scroll: StateEffect<unknown> | null;
}

const bindings = new Compartment();
const theme = new Compartment();
const fontSize = new Compartment();
const language = new Compartment();
const label = new Compartment();

const lookExtensions = (look: EditorLook) => ({
  theme: look.isDark ? oneDark : [],
  fontSize: EditorView.theme({ "&": { fontSize: `${look.fontSizePx}px` } }),
});
const labelOf = (path: string) => EditorView.contentAttributes.of({ "aria-label": `Contents of ${baseName(path)}` });

export class EditorSessions {
  readonly #sessions = new Map<string, Session>();
  readonly #onDirtyChange: (path: string, isDirty: boolean) => void;
  #look: EditorLook;
  #view: EditorView | null = null;
  #shown: Session | null = null;

  /** `onDirtyChange` is told when a file's text comes to differ from its saved text, or back. */
  constructor(onDirtyChange: (path: string, isDirty: boolean) => void, look: EditorLook) {
    this.#onDirtyChange = onDirtyChange;
    this.#look = look;
  }

  /** Puts the editor into `parent` (the page's editor area), showing the active file if there is one. */
  mount(parent: HTMLElement): void {
    this.#view = new EditorView({ parent, state: this.#shown?.state ?? EditorState.create() });
    if (this.#shown) this.#applyLook();
  }

  unmount(): void {
    this.#keepShownState();
    this.#view?.destroy();
    this.#view = null;
  }

  has(path: string): boolean {
    return this.#sessions.has(path);
  }

  /** Starts editing `path` with the text read from disk. */
  open(path: string, text: string, options: { isReadOnly: boolean; lineSeparator: "\n" | "\r\n" }): void {
    const looks = lookExtensions(this.#look);
    const state = EditorState.create({
      doc: text,
      extensions: [
        // First: Vim's and Emacs's keys must win over the default keymaps below.
        bindings.of(this.#look.keyBindings),
        basicSetup,
        keymap.of([indentWithTab, { key: "Escape", run: temporarilySetTabFocusMode }]),
        EditorState.lineSeparator.of(options.lineSeparator),
        EditorState.readOnly.of(options.isReadOnly),
        theme.of(looks.theme),
        fontSize.of(looks.fontSize),
        language.of([]),
        label.of(labelOf(path)),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) this.#checkDirty(session, update.state.doc);
        }),
      ],
    });
    const session: Session = { path, state, savedDoc: state.doc, isDirty: false, scroll: null };
    this.#sessions.set(path, session);
  }

  /** Shows `path` in the editor (null: nothing), keeping the previous file's state and scroll position. */
  show(path: string | null): void {
    const next = path === null ? null : (this.#sessions.get(path) ?? null);
    if (next === this.#shown) return;
    this.#keepShownState();
    this.#shown = next;
    const view = this.#view;
    if (!view) return;
    view.setState(next?.state ?? EditorState.create());
    if (next) {
      this.#applyLook();
      if (next.scroll) view.dispatch({ effects: next.scroll });
    }
  }

  focus(): void {
    this.#view?.focus();
  }

  /** Highlights `path` with `extension` (loaded after the file opened). */
  setLanguage(path: string, extension: Extension): void {
    this.#reconfigure(path, language.reconfigure(extension));
  }

  /** The theme, font size and key bindings, for every file. */
  setLook(look: EditorLook): void {
    this.#look = look;
    if (this.#shown) this.#applyLook();
  }

  /** The text of `path` now, with the document it came from (to mark exactly that text saved later). */
  snapshot(path: string): { text: string; doc: Text } | null {
    const session = this.#sessions.get(path);
    if (!session) return null;
    const doc = this.#stateOf(session).doc;
    return { text: doc.toString(), doc };
  }

  /** Marks `doc` (a snapshot's) as what is on disk; answers whether the file has edits made since. */
  markSaved(path: string, doc: Text): boolean {
    const session = this.#sessions.get(path);
    if (!session) return false;
    session.savedDoc = doc;
    this.#checkDirty(session, this.#stateOf(session).doc);
    return session.isDirty;
  }

  /** Replaces the text of `path` by what is on disk now (one undoable change), as saved. */
  replaceFromDisk(path: string, text: string): void {
    const session = this.#sessions.get(path);
    if (!session) return;
    const state = this.#stateOf(session);
    const change = { changes: { from: 0, to: state.doc.length, insert: text } };
    if (session === this.#shown && this.#view) this.#view.dispatch(change);
    else session.state = state.update(change).state;
    this.markSaved(path, this.#stateOf(session).doc);
  }

  /** Follows a rename: the file keeps its state under its new path. */
  rename(from: string, to: string): void {
    const session = this.#sessions.get(from);
    if (!session || from === to) return;
    this.#sessions.delete(from);
    session.path = to;
    this.#sessions.set(to, session);
    this.#reconfigure(to, label.reconfigure(labelOf(to)));
  }

  close(path: string): void {
    const session = this.#sessions.get(path);
    if (!session) return;
    if (session === this.#shown) this.show(null);
    this.#sessions.delete(path);
  }

  #stateOf(session: Session): EditorState {
    return session === this.#shown && this.#view ? this.#view.state : session.state;
  }

  #keepShownState(): void {
    const shown = this.#shown;
    const view = this.#view;
    if (!shown || !view) return;
    shown.state = view.state;
    shown.scroll = view.scrollSnapshot();
  }

  #reconfigure(path: string, effect: StateEffect<unknown>): void {
    const session = this.#sessions.get(path);
    if (!session) return;
    if (session === this.#shown && this.#view) this.#view.dispatch({ effects: effect });
    else session.state = session.state.update({ effects: effect }).state;
  }

  #applyLook(): void {
    const looks = lookExtensions(this.#look);
    this.#view?.dispatch({
      effects: [
        bindings.reconfigure(this.#look.keyBindings),
        theme.reconfigure(looks.theme),
        fontSize.reconfigure(looks.fontSize),
      ],
    });
  }

  #checkDirty(session: Session, doc: Text): void {
    const isDirty = !doc.eq(session.savedDoc);
    if (isDirty === session.isDirty) return;
    session.isDirty = isDirty;
    this.#onDirtyChange(session.path, isDirty);
  }
}
