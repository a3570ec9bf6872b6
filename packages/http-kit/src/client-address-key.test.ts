import { describe, expect, it } from "vitest";
import { clientAddressKey } from "./client-address-key.js";

describe("clientAddressKey", () => {
  it.each([
    ["an IPv4 address", "198.51.100.7", "198.51.100.7"],
    ["an IPv6 address, by its /64", "2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"],
    ["another address of the same /64", "2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["the next /64", "2001:db8:1:3::1", "2001:db8:1:3::/64"],
    ["leading zeros and capitals", "2001:0DB8:0001:0002::0001", "2001:db8:1:2::/64"],
    ["a short prefix written with ::", "2001:db8::1", "2001:db8:0:0::/64"],
    ["the loopback", "::1", "0:0:0:0::/64"],
    ["the unspecified address", "::", "0:0:0:0::/64"],
    ["a link-local address with its zone", "fe80::1234:5678%eth0", "fe80:0:0:0::/64"],
    ["an IPv4-mapped address, as its IPv4 client", "::ffff:198.51.100.7", "198.51.100.7"],
    ["an IPv4-mapped address in hex", "::ffff:c633:6407", "198.51.100.7"],
    ["an IPv4-mapped address written out", "0:0:0:0:0:ffff:198.51.100.7", "198.51.100.7"],
    ["an IPv4-embedded address that is not mapped, by its /64", "64:ff9b::198.51.100.7", "64:ff9b:0:0::/64"],
    ["something that is not an address, as it is", "not-an-address", "not-an-address"],
  ])("keys %s", (_what, address, key) => {
    expect(clientAddressKey(address)).toBe(key);
  });
});
