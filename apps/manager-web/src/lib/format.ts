/** Small formatting helpers shared by pages. */

/** 1536 → "1.5 KiB" */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** "public" + "a.html" → "public/a.html"; "" + "a" → "a" */
export function joinPath(directory: string, name: string): string {
  return directory === "" ? name : `${directory.replace(/\/+$/, "")}/${name}`;
}

/** "public/css" → "public"; "public" → "" */
export function parentPath(path: string): string {
  const at = path.replace(/\/+$/, "").lastIndexOf("/");
  return at < 0 ? "" : path.slice(0, at);
}

/** The longest details text the audit table shows; the rest is cut with "…". */
const maxDetailsLength = 160;

/** An audit event's details in one line: `{role: "teacher", isActive: false}` → "role: teacher · isActive: false". */
export function formatAuditDetails(details: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(details).map(([key, value]) => {
    const shown = typeof value === "string" ? value : JSON.stringify(value);
    return `${key}: ${shown}`;
  });
  const text = parts.join(" · ");
  return text.length > maxDetailsLength ? `${text.slice(0, maxDetailsLength - 1)}…` : text;
}
