/**
 * Loads a syntax for the editor. Each language package is imported when a file first needs it, so the workspace's
 * own chunk carries none of them.
 */
import type { Extension } from "@codemirror/state";
import type { LanguageChoice } from "./language-for-file";

/** The editor extension that highlights `choice`. */
export async function loadLanguage(choice: LanguageChoice): Promise<Extension> {
  switch (choice.language) {
    case "javascript": {
      const { javascript } = await import("@codemirror/lang-javascript");
      return javascript({ jsx: choice.isJsx, typescript: choice.isTypeScript });
    }
    case "html": {
      const { html } = await import("@codemirror/lang-html");
      return html();
    }
    case "css": {
      const { css } = await import("@codemirror/lang-css");
      return css();
    }
    case "python": {
      const { python } = await import("@codemirror/lang-python");
      return python();
    }
    case "json": {
      const { json } = await import("@codemirror/lang-json");
      return json();
    }
    case "markdown": {
      const { markdown } = await import("@codemirror/lang-markdown");
      return markdown();
    }
    case "php": {
      const { php } = await import("@codemirror/lang-php");
      return php();
    }
    case "sql": {
      const { sql } = await import("@codemirror/lang-sql");
      return sql();
    }
  }
}
