/**
 * The workspace's questions as in-page modal dialogs (a native <dialog>: focus stays inside, Escape cancels, focus
 * goes back where it was), asked with a promise so that the code asking reads top to bottom.
 */
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from "react";

export interface PromptOptions {
  title: string;
  /** the text input's label */
  label: string;
  initial?: string;
  /** the part of `initial` selected at first (a name without its extension) */
  selection?: [number, number];
  okLabel?: string;
  /** why the value cannot be taken (shown under the field), or null */
  validate?: (value: string) => string | null;
}

export interface ConfirmOptions {
  title: string;
  message: ReactNode;
  okLabel: string;
  isDanger?: boolean;
}

type Request =
  | { kind: "prompt"; options: PromptOptions; resolve: (value: string | null) => void }
  | { kind: "confirm"; options: ConfirmOptions; resolve: (isConfirmed: boolean) => void };

export interface Dialogs {
  /** the dialog being asked, to render somewhere in the page */
  element: ReactNode;
  /** asks for a line of text; null when cancelled */
  prompt(options: PromptOptions): Promise<string | null>;
  /** asks a yes-or-no question */
  confirm(options: ConfirmOptions): Promise<boolean>;
}

/** One dialog at a time: asking while one is open answers the open one as cancelled. */
export function useDialogs(): Dialogs {
  const [request, setRequest] = useState<Request | null>(null);
  const current = useRef<Request | null>(null);
  const ask = useCallback((next: Request) => {
    const open = current.current;
    if (open?.kind === "prompt") open.resolve(null);
    else if (open?.kind === "confirm") open.resolve(false);
    current.current = next;
    setRequest(next);
  }, []);
  const settle = useCallback((answer: string | boolean | null) => {
    const open = current.current;
    current.current = null;
    setRequest(null);
    if (open?.kind === "prompt") open.resolve(typeof answer === "string" ? answer : null);
    else if (open?.kind === "confirm") open.resolve(answer === true);
  }, []);
  const prompt = useCallback(
    (options: PromptOptions) => new Promise<string | null>((resolve) => ask({ kind: "prompt", options, resolve })),
    [ask],
  );
  const confirm = useCallback(
    (options: ConfirmOptions) => new Promise<boolean>((resolve) => ask({ kind: "confirm", options, resolve })),
    [ask],
  );
  const element =
    request === null ? null : request.kind === "prompt" ? (
      <PromptDialog options={request.options} onAnswer={settle} />
    ) : (
      <ConfirmDialog options={request.options} onAnswer={settle} />
    );
  return { element, prompt, confirm };
}

/** A native modal dialog, open while mounted; `onCancel` on Escape. */
function ModalDialog(props: { titleId: string; onCancel: () => void; children: ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    // The browser gives the focus back when a dialog closes, but this one is removed instead: done by hand.
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (element && !element.open) element.showModal();
    return () => {
      element?.close();
      if (returnTo?.isConnected) returnTo.focus();
    };
  }, []);
  return (
    <dialog
      ref={dialog}
      className="workspace-dialog"
      aria-labelledby={props.titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      {props.children}
    </dialog>
  );
}

function PromptDialog({ options, onAnswer }: { options: PromptOptions; onAnswer: (value: string | null) => void }) {
  const titleId = useId();
  const inputId = useId();
  const [value, setValue] = useState(options.initial ?? "");
  const [problem, setProblem] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const element = input.current;
    if (!element) return;
    element.focus();
    const [start, end] = options.selection ?? [0, element.value.length];
    element.setSelectionRange(start, end);
  }, [options.selection]);
  return (
    <ModalDialog titleId={titleId} onCancel={() => onAnswer(null)}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const found = options.validate?.(value) ?? null;
          setProblem(found);
          if (found === null) onAnswer(value);
        }}
      >
        <h2 id={titleId}>{options.title}</h2>
        <div className="field">
          <label htmlFor={inputId}>{options.label}</label>
          <input
            id={inputId}
            ref={input}
            value={value}
            autoCapitalize="none"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={problem !== null}
            aria-describedby={problem ? `${inputId}-problem` : undefined}
            onChange={(event) => setValue(event.target.value)}
          />
          {problem ? (
            <p className="field-error" id={`${inputId}-problem`}>
              {problem}
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button type="submit" className="button button-primary">
            {options.okLabel ?? "OK"}
          </button>
          <button type="button" className="button" onClick={() => onAnswer(null)}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function ConfirmDialog({ options, onAnswer }: { options: ConfirmOptions; onAnswer: (isConfirmed: boolean) => void }) {
  const titleId = useId();
  return (
    <ModalDialog titleId={titleId} onCancel={() => onAnswer(false)}>
      <h2 id={titleId}>{options.title}</h2>
      <div>{options.message}</div>
      <div className="actions">
        <button
          type="button"
          className={`button ${options.isDanger ? "button-danger" : "button-primary"}`}
          onClick={() => onAnswer(true)}
        >
          {options.okLabel}
        </button>
        {/* biome-ignore lint/a11y/noAutofocus: the safe answer has the focus in a question that destroys something */}
        <button type="button" className="button" onClick={() => onAnswer(false)} autoFocus>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
