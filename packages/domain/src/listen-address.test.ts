import { describe, expect, it } from "vitest";
import { parseListenAddress } from "./listen-address.js";

describe("parseListenAddress", () => {
  it.each(["8081", "127.0.0.1:8081", "[::1]:443", "localhost:80", "0.0.0.0:65535"])("accepts %s as is", (value) => {
    expect(parseListenAddress(value)).toBe(value);
  });

  it.each([
    ["port 0", "0"],
    ["a port above 65535", "65536"],
    ["a listen option (it would reach nginx config)", "8081 default_server"],
    ["a directive injection", "8081; include /etc/passwd"],
    ["a hostname other than localhost", "example.com:80"],
    ["an IPv6 address without brackets", "::1:443"],
    ["an empty string", ""],
    ["a number instead of a string", 8081],
  ])("refuses %s with CONFIG_INVALID", (_label, value) => {
    expect(() => parseListenAddress(value)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
  });
});
