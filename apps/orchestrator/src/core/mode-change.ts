/** A file mode change as the files API writes it (`755`, `0644`, `+x`, `-x`), as the file service applies it. */
export type ModeChange = { mode: number } | { executable: boolean };

/** `+x` / `-x`, or octal bits masked to 0777 (setuid, setgid and sticky are never set through the API). */
export function parseModeChange(value: "+x" | "-x" | string): ModeChange {
  if (value === "+x" || value === "-x") return { executable: value === "+x" };
  return { mode: Number.parseInt(value, 8) & 0o777 };
}
