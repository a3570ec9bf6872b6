/** Names of the constraints and unique indexes (created in migrations) that repositories turn into DirectorError codes. */
export const constraintNames = {
  usersUsername: "users_username_key",
  sitesName: "sites_name_key",
  imagesName: "images_name_key",
  /** sites.image_id → images.id (ON DELETE RESTRICT) */
  sitesImageId: "sites_image_id_fkey",
  /** the "one unfinished operation per site" lock */
  oneActiveOperationPerSite: "operations_one_active_per_site",
  /** one open (undecided) site request per requested site name */
  siteRequestsOpenSiteName: "site_requests_open_site_name_key",
  /** a domain belongs to one site at most (migration 0011) */
  siteDomainsDomain: "site_domains_domain",
  /** an SSH key's fingerprint belongs to one account at most (migration 0013) */
  sshKeysFingerprint: "ssh_keys_fingerprint_key",
  /** a database host's name is unique (migration 0015) */
  databaseHostsName: "database_hosts_name_key",
  /** site_databases.host_id → database_hosts.id (ON DELETE RESTRICT, migration 0016) */
  siteDatabasesHostId: "site_databases_host_id_fkey",
  /** one database per site: the primary key of site_databases (migration 0016) */
  siteDatabasesSiteId: "site_databases_pkey",
  /** a course's name is unique (migration 0023) */
  coursesName: "courses_name_key",
} as const;
