import type { ImageRef } from "@director/domain/image-ref";
import type { PackageName } from "@director/domain/package-name";
import type { SiteId } from "@director/domain/site";
import { describe, expect, it } from "vitest";
import { aptExactNamesScript } from "./apt-exact-names.js";
import { isParentOnly, renderSiteDockerfile, type SiteImageRecipe, siteImageTag } from "./site-dockerfile.js";

const recipe: SiteImageRecipe = {
  siteId: 42 as SiteId,
  parent: "director/base-debian:bookworm" as ImageRef,
  setupCommands: "apt-get update -qq\r\necho 'ready'\n",
  installCommandPrefix: "apt-get install -y -qq --no-install-recommends",
  packages: ["curl", "jq"] as PackageName[],
};

describe("renderSiteDockerfile", () => {
  it("runs the setup script and the install command as root, then drops to the site user", () => {
    expect(renderSiteDockerfile(recipe, "inst")).toBe(
      [
        "FROM director/base-debian:bookworm",
        "USER root",
        'RUN ["/bin/sh","-e","-c","apt-get update -qq\\necho \'ready\'"]',
        `RUN ${JSON.stringify(["/bin/sh", "-e", "-c", aptExactNamesScript(["curl", "jq"] as PackageName[])])}`,
        `RUN ["/bin/sh","-e","-c","apt-get install -y -qq --no-install-recommends 'curl' 'jq'"]`,
        'LABEL org.director.installation="inst" org.director.site-id="42" org.director.managed="true"',
        "USER 1000:1000",
        "",
      ].join("\n"),
    );
  });

  it("checks the names against apt's index before an apt install, and only there", () => {
    const check = (text: string) => text.split("\n").filter((line) => line.includes("apt-cache pkgnames"));
    const withDots = { ...recipe, packages: ["g++", "python3-d.+"] as PackageName[] };
    const [checkLine] = check(renderSiteDockerfile(withDots, "inst"));
    const script = JSON.parse((checkLine ?? "").slice("RUN ".length))[3] as string;
    expect(script).toContain("for name in 'g++' 'python3-d.+'; do");
    expect(script).toContain('grep -qxF -e "$name" "$known"');
    const lines = renderSiteDockerfile(withDots, "inst").split("\n");
    expect(lines.indexOf(checkLine ?? "")).toBe(lines.findIndex((line) => line.includes("apt-get install")) - 1);
    for (const prefix of ["apk add --no-cache", "pip install", "/usr/bin/dnf install -y"]) {
      expect(check(renderSiteDockerfile({ ...withDots, installCommandPrefix: prefix }, "inst")), prefix).toEqual([]);
    }
    expect(check(renderSiteDockerfile({ ...recipe, packages: [] }, "inst"))).toEqual([]);
  });

  it("leaves out the RUN lines that have nothing to do", () => {
    const text = renderSiteDockerfile({ ...recipe, setupCommands: "  \n", packages: [] }, "inst");
    expect(text).toBe(
      'FROM director/base-debian:bookworm\nUSER root\nLABEL org.director.installation="inst" org.director.site-id="42" org.director.managed="true"\nUSER 1000:1000\n',
    );
    expect(isParentOnly({ ...recipe, setupCommands: "  \n", packages: [] })).toBe(true);
    expect(isParentOnly(recipe)).toBe(false);
  });

  it("keeps a setup script that looks like Dockerfile syntax inside its JSON string", () => {
    const text = renderSiteDockerfile(
      { ...recipe, setupCommands: 'echo "x"\nFROM evil\nRUN id', packages: [] },
      "inst",
    );
    expect(text.split("\n").filter((line) => line.startsWith("FROM"))).toEqual(["FROM director/base-debian:bookworm"]);
    expect(text).toContain('RUN ["/bin/sh","-e","-c","echo \\"x\\"\\nFROM evil\\nRUN id"]');
  });

  it.each([
    ["a package name with a quote", { packages: ["jq'; id; '"] }, "PACKAGE_NAME_INVALID"],
    ["a package name with a space", { packages: ["jq curl"] }, "PACKAGE_NAME_INVALID"],
    ["a parent with a newline", { parent: "busybox\nRUN id" }, "IMAGE_REF_INVALID"],
  ])("refuses %s", (_label, change, code) => {
    expect(() => renderSiteDockerfile({ ...recipe, ...change } as SiteImageRecipe, "inst")).toThrow(
      expect.objectContaining({ code }),
    );
  });
});

describe("siteImageTag", () => {
  it("names the site and hashes the parent's id with the Dockerfile", () => {
    const dockerfile = renderSiteDockerfile(recipe, "inst");
    const tag = siteImageTag("inst", 42 as SiteId, "sha256:aaa", dockerfile);
    expect(tag).toMatch(/^director\/inst-site-42:[0-9a-f]{16}$/);
    expect(siteImageTag("inst", 42 as SiteId, "sha256:aaa", dockerfile)).toBe(tag);
    expect(siteImageTag("inst", 42 as SiteId, "sha256:bbb", dockerfile)).not.toBe(tag);
    expect(
      siteImageTag("inst", 42 as SiteId, "sha256:aaa", renderSiteDockerfile({ ...recipe, packages: [] }, "inst")),
    ).not.toBe(tag);
  });
});
