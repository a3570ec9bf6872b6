import type { PackageName } from "@director/domain/package-name";
import { describe, expect, it } from "vitest";
import { aptExactNamesScript, isAptInstallCommand } from "./apt-exact-names.js";

describe("isAptInstallCommand", () => {
  it.each([
    ["apt-get install -y -qq --no-install-recommends", true],
    ["  apt install -y", true],
    ["DEBIAN_FRONTEND=noninteractive apt-get install -y", true],
    ["env DEBIAN_FRONTEND=noninteractive /usr/bin/apt-get install -y", true],
    ["apk add --no-cache", false],
    ["pip install", false],
    ["aptitude install -y", false],
    ["echo apt-get", false],
    ["", false],
  ])("%j → %s", (prefix, expected) => {
    expect(isAptInstallCommand(prefix)).toBe(expected);
  });
});

describe("aptExactNamesScript", () => {
  it("loops over the single-quoted names, each compared whole with apt's list of names", () => {
    const script = aptExactNamesScript(["g++", "python3-d.+"] as PackageName[]);
    expect(script).toContain("for name in 'g++' 'python3-d.+'; do");
    expect(script).toContain('grep -qxF -e "$name" "$known" || missing="$missing $name"');
  });
});
