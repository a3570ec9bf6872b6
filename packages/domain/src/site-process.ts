/** What a dynamic site's process is doing, as its status says it (`absent`: the site has no process at all). */
export const siteProcessStates = ["running", "starting", "stopped", "failed", "absent"] as const;
export type SiteProcessState = (typeof siteProcessStates)[number];
