import { useState } from "react";

/**
 * A command to type in a terminal, shown as code with a button that copies it. The clipboard exists only on secure
 * pages (HTTPS or localhost): elsewhere the button is left out and the command is selected as any text is.
 */
export function CopyCommand({ command, label }: { command: string; label: string }) {
  const [isCopied, setIsCopied] = useState(false);
  const canCopy = typeof navigator !== "undefined" && navigator.clipboard !== undefined && window.isSecureContext;
  const copy = async () => {
    await navigator.clipboard.writeText(command);
    setIsCopied(true);
    window.setTimeout(() => setIsCopied(false), 2000);
  };
  return (
    <span className="copy-command">
      <code>{command}</code>
      {canCopy ? (
        <button type="button" className="link-button" onClick={() => void copy()} aria-label={`Copy ${label}`}>
          {isCopied ? "Copied" : "Copy"}
        </button>
      ) : null}
      <span className="visually-hidden" role="status">
        {isCopied ? "Copied to the clipboard" : ""}
      </span>
    </span>
  );
}
