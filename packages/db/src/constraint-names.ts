/** Names of the constraints and unique indexes (created in migrations) that repositories turn into DirectorError codes. */
export const constraintNames = {
  usersUsername: "users_username_key",
  sitesName: "sites_name_key",
  /** the "one unfinished operation per site" lock */
  oneActiveOperationPerSite: "operations_one_active_per_site",
} as const;
