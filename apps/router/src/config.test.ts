import { describe, expect, it } from "vitest";
import { loadRouterConfig } from "./config.js";

const token = "t".repeat(32);

describe("loadRouterConfig", () => {
  it("needs only the token and fills safe defaults", () => {
    expect(loadRouterConfig({ DIRECTOR_ROUTER_TOKEN: token })).toEqual({
      http: { host: "127.0.0.1", port: 7002 },
      token,
      sitesDomain: "sites.localhost",
      edge: { listen: "127.0.0.1:8081", nginxDir: "/var/lib/director/router-nginx" },
      topology: "shared",
      balancers: ["127.0.0.1:8082"],
      dataDir: "/var/lib/director/router",
      acme: { directoryUrl: "", email: "", caFile: "" },
    });
  });

  it("reads a comma-separated list of balancers", () => {
    const config = loadRouterConfig({
      DIRECTOR_ROUTER_TOKEN: token,
      DIRECTOR_TOPOLOGY: "split",
      DIRECTOR_BALANCERS: "10.0.0.5:8082, balancer2.internal:8082",
    });
    expect(config.topology).toBe("split");
    expect(config.balancers).toEqual(["10.0.0.5:8082", "balancer2.internal:8082"]);
  });

  it("reports every problem at once, naming each variable", () => {
    let message = "";
    try {
      loadRouterConfig({
        DIRECTOR_TOPOLOGY: "mesh",
        DIRECTOR_EDGE_LISTEN: "80 ssl",
        DIRECTOR_BALANCERS: "nowhere",
        DIRECTOR_ROUTER_NGINX_DIR: "relative",
      });
    } catch (error) {
      expect(error).toMatchObject({ code: "CONFIG_INVALID" });
      message = (error as Error).message;
    }
    for (const variable of [
      "DIRECTOR_ROUTER_TOKEN",
      "DIRECTOR_TOPOLOGY",
      "DIRECTOR_EDGE_LISTEN",
      "DIRECTOR_BALANCERS",
      "DIRECTOR_ROUTER_NGINX_DIR",
    ]) {
      expect(message).toContain(variable);
    }
  });
});
