/** The port that runs dynamic sites, and the values it takes and gives; implemented by adapters/docker-swarm-runtime.ts. */
import type { ImageRef } from "@director/domain/image-ref";
import type { SiteId } from "@director/domain/site";
import type { SiteProcessState } from "@director/domain/site-process";
import type { SiteUser } from "./site-user.js";

/** Resource limits of one site's process tree. */
export interface SiteServiceLimits {
  /** CPU time as a number of cores, e.g. 0.6 */
  cpus: number;
  /** Hard memory limit (RAM; the kernel kills the biggest process past it) */
  memoryBytes: number;
  /** Most processes and threads the site may run at once (a fork bomb stops here) */
  pidsLimit: number;
}

/** Everything needed to run a dynamic site; check it with `checkSiteServiceSpec` before it reaches Docker. */
export interface SiteServiceSpec {
  siteId: SiteId;
  /** Absolute host path of the site directory, mounted at /site */
  siteDirectory: string;
  /** The site's own account (uid and gid) its process runs as */
  user: SiteUser;
  image: ImageRef;
  /** true: one replica runs; false: the service is kept with 0 replicas */
  isEnabled: boolean;
  limits: SiteServiceLimits;
  /** Extra environment (database variables…); names match `^[A-Z_][A-Z0-9_]*$` and are not reserved */
  env: Readonly<Record<string, string>>;
  /** The swarm-scoped network whose task addresses the balancer proxies to */
  networkName: string;
}

/** Where a site's process is, in words a site owner understands. */
export type ServiceState = SiteProcessState;

/** One Swarm task (one run of the site's container), newest first in `ServiceStatus.tasks`. */
export interface ServiceTaskStatus {
  id: string;
  /** Swarm's own task state (new, pending, running, failed, shutdown…) */
  state: string;
  /** The task's IPv4 address on the site network while it runs, else null */
  address: string | null;
  /** Swarm's error text for a task that failed or was rejected, else null */
  error: string | null;
  /** The container's exit code once it has exited, else null */
  exitCode: number | null;
  /**
   * The service's restart count when Swarm made this task (see `ServiceRuntime.restart`): it tells the tasks a
   * restart made from ones Swarm's restart policy made on its own a moment before (which the restart then shut down).
   */
  generation: number;
}

/** What `ServiceRuntime.status` reports. */
export interface ServiceStatus {
  state: ServiceState;
  /** Desired replicas: 1 when enabled, 0 when not, 0 when absent */
  replicas: number;
  /** One plain sentence for the site owner */
  message: string;
  tasks: ServiceTaskStatus[];
}

/** Runs one Swarm service per dynamic site. Every method is idempotent. */
export interface ServiceRuntime {
  /** Creates the site's service or updates it to `spec`; an unchanged spec leaves the running task alone. */
  upsert(spec: SiteServiceSpec): Promise<void>;
  /** Removes the site's service; no-op when absent. Its task's process may run on for the stop grace period. */
  remove(siteId: SiteId): Promise<void>;
  /** Whether a container of the site still runs on this node (a removed service's does until its process ends). */
  hasRunningProcess(siteId: SiteId): Promise<boolean>;
  /**
   * Makes an existing service run as `user` (sites made before each had its own account), replacing its task;
   * no-op when it already does or has no service.
   */
  setProcessUser(siteId: SiteId, user: SiteUser): Promise<void>;
  /**
   * Replaces the running task with a new one (a forced update); SITE_NOT_READY when there is no service. Resolves
   * with the generation of the tasks it makes.
   */
  restart(siteId: SiteId): Promise<{ generation: number }>;
  /** The site's state, the newest tasks and why the last one failed. */
  status(siteId: SiteId): Promise<ServiceStatus>;
}

/** The newest lines of a site's process output (both streams, all tasks, oldest first). */
export interface ServiceLogs {
  readLogLines(siteId: SiteId, options: { tailLines: number }): Promise<Array<{ text: string }>>;
  /**
   * The newest `tailLines` lines, then every new line as the process (or its next task, after a restart) prints it,
   * until `signal` aborts or the service is removed. Opening is awaited: a site without a service fails here, not
   * in the middle of the stream.
   */
  followLogLines(
    siteId: SiteId,
    options: { tailLines: number; signal: AbortSignal },
  ): Promise<AsyncIterable<{ text: string }>>;
}

/** A site's service as the engine has it: what the reconciler compares with the database. */
export interface SiteServiceSummary {
  siteId: SiteId;
  /** The Swarm service's name */
  name: string;
  /** Desired replicas (1: runs, 0: kept stopped) */
  replicas: number;
  /** The image its tasks run */
  image: string;
  /** The account its tasks run as (`uid:gid`; "" when the spec sets none) */
  user: string;
  labels: Readonly<Record<string, string>>;
}

/** Lists the site services of this installation only (another installation's on the same engine are never listed). */
export interface ServiceInventory {
  /** Every site service of this installation, or only the given site's. */
  listServices(siteId?: SiteId): Promise<SiteServiceSummary[]>;
}
