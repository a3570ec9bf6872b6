/**
 * How the edge and the balancer share nginx: `shared`, one nginx for both (`director up`), a request crosses one hop;
 * `split`, each its own (production), the router's nginx proxies to the balancers.
 */
export const topologies = ["shared", "split"] as const;
export type Topology = (typeof topologies)[number];
