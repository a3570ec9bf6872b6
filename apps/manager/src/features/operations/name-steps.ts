/**
 * The steps about a site's names: the router's route of its hostnames (its name's and its unexpired former names'),
 * and the balancer's redirects of renamed sites' former names. A former name's row is deleted only after nothing on
 * the machines answers it any more, so a name is never free while it still redirects.
 */
import type { StepDefinition } from "./step-definition.js";

export const addRoute: StepDefinition = {
  slug: "add_route",
  name: "Route the site's address to the balancer",
  run: async ({ site, host, routeHostnames, formerNames }) => {
    if (!site) return;
    const held = await formerNames.activeNamesOf(site.id);
    await host.upsertRoute(site.id, {
      hostnames: routeHostnames(
        site,
        held.map(({ name }) => name),
      ),
    });
  },
};

/** The balancer answers every unexpired former name with a redirect to its site's current name (the whole set). */
export const updateRedirects: StepDefinition = {
  slug: "update_redirects",
  name: "Redirect the site's former names",
  run: async ({ host, formerNames }) => {
    await formerNames.withRedirects((redirects) => host.setRedirects(redirects));
  },
};

/** A site being deleted: before its row goes (its former names with it), the balancer stops redirecting them. */
export const stopRedirects: StepDefinition = {
  slug: "stop_redirects",
  name: "Stop redirecting the site's former names",
  run: async ({ site, host, formerNames }) => {
    if (!site || (await formerNames.countOf(site.id)) === 0) return;
    await formerNames.withRedirects((redirects) => host.setRedirects(redirects), { exceptSiteId: site.id });
  },
};

/** The last step of a release: the expired names' redirects and routes are gone, so the names are free again. */
export const forgetExpiredNames: StepDefinition = {
  slug: "forget_expired_names",
  name: "Free the expired former names",
  run: async ({ site, formerNames }) => {
    if (site) await formerNames.forgetExpired(site.id);
  },
};
