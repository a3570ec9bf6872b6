/** Which syntax the editor highlights a file with, chosen by its name (editor-languages.ts loads it). */

export type LanguageChoice =
  | { language: "javascript"; isJsx: boolean; isTypeScript: boolean }
  | { language: "html" | "css" | "python" | "json" | "markdown" | "php" | "sql" };

const byExtension: Record<string, LanguageChoice> = {
  js: { language: "javascript", isJsx: false, isTypeScript: false },
  mjs: { language: "javascript", isJsx: false, isTypeScript: false },
  cjs: { language: "javascript", isJsx: false, isTypeScript: false },
  jsx: { language: "javascript", isJsx: true, isTypeScript: false },
  ts: { language: "javascript", isJsx: false, isTypeScript: true },
  mts: { language: "javascript", isJsx: false, isTypeScript: true },
  cts: { language: "javascript", isJsx: false, isTypeScript: true },
  tsx: { language: "javascript", isJsx: true, isTypeScript: true },
  html: { language: "html" },
  htm: { language: "html" },
  xhtml: { language: "html" },
  css: { language: "css" },
  py: { language: "python" },
  pyw: { language: "python" },
  json: { language: "json" },
  webmanifest: { language: "json" },
  map: { language: "json" },
  md: { language: "markdown" },
  markdown: { language: "markdown" },
  php: { language: "php" },
  phtml: { language: "php" },
  sql: { language: "sql" },
};

/** Names without a telling extension that still have a known syntax. */
const byName: Record<string, LanguageChoice> = {
  ".babelrc": { language: "json" },
  ".eslintrc": { language: "json" },
  "composer.lock": { language: "json" },
};

/** The syntax of a file named `fileName`, or null for plain text. */
export function languageForFile(fileName: string): LanguageChoice | null {
  const name = fileName.toLowerCase();
  const named = byName[name];
  if (named) return named;
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return null; // no extension, or a dot file such as ".env"
  return byExtension[name.slice(dot + 1)] ?? null;
}

const languageWords: Record<LanguageChoice["language"], string> = {
  javascript: "JavaScript",
  html: "HTML",
  css: "CSS",
  python: "Python",
  json: "JSON",
  markdown: "Markdown",
  php: "PHP",
  sql: "SQL",
};

/** The syntax's name for the status bar: "TypeScript JSX", "HTML", "Plain text". */
export function languageLabel(choice: LanguageChoice | null): string {
  if (choice === null) return "Plain text";
  if (choice.language === "javascript") {
    const base = choice.isTypeScript ? "TypeScript" : "JavaScript";
    return choice.isJsx ? `${base} JSX` : base;
  }
  return languageWords[choice.language];
}
