/** "Robotics Club!" → "robotics-club": a starting point the administrator can change. */
export function suggestSiteName(activity: string): string {
  return activity
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
}

/** "ann, bob\ncid  ann" → ["ann", "bob", "cid"]: usernames separated by spaces, commas or lines, once each. */
export function parseUsernameList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}
