import { describe, expect, it } from "vitest";
import { hostRules } from "./site-firewall.js";

describe("the site firewall's host chain", () => {
  it("refuses every new connection to the node when nothing is opened", () => {
    expect(hostRules({}, 4)).toEqual([
      ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"],
      ["-j", "REJECT", "--reject-with", "icmp-port-unreachable"],
    ]);
  });

  it("opens one TCP port on the gateway address only, before the refusal, and nothing over IPv6", () => {
    const gatewayOpening = { address: "172.19.0.1", port: 5440 };
    expect(hostRules({ gatewayOpening }, 4)).toEqual([
      ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"],
      ["-p", "tcp", "-d", "172.19.0.1/32", "--dport", "5440", "-j", "ACCEPT"],
      ["-j", "REJECT", "--reject-with", "icmp-port-unreachable"],
    ]);
    expect(hostRules({ gatewayOpening }, 6)).toEqual([
      ["-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "RETURN"],
      ["-j", "REJECT", "--reject-with", "icmp6-port-unreachable"],
    ]);
  });
});
