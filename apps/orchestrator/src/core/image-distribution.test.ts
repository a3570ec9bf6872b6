import { parseImageRef } from "@director/domain/image-ref";
import { describe, expect, it } from "vitest";
import { parseRegistryAddress, repositoryIn, tagOf } from "./image-distribution.js";

const registry = parseRegistryAddress("registry.school.internal:5000");

describe("parseRegistryAddress", () => {
  it.each(["127.0.0.1:5000", "registry.school.internal", "localhost:443", "10.250.0.1:30500"])("takes %s", (value) => {
    expect(parseRegistryAddress(value)).toBe(value);
  });

  it.each([
    "http://registry:5000",
    "registry:5000/path",
    "registry:99999",
    "registry:0",
    "-registry",
    "",
    "reg istry",
    "registry:5000;rm",
  ])("refuses %j with VALIDATION_FAILED", (value) => {
    expect(() => parseRegistryAddress(value)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("repositoryIn and tagOf", () => {
  it.each([
    ["director/base-busybox:latest", "registry.school.internal:5000/director/base-busybox", "latest"],
    ["director/abc-site-7:0123456789abcdef", "registry.school.internal:5000/director/abc-site-7", "0123456789abcdef"],
    ["debian", "registry.school.internal:5000/debian", "latest"],
    ["docker.io/library/debian:12", "registry.school.internal:5000/library/debian", "12"],
    ["localhost/tools:1", "registry.school.internal:5000/tools", "1"],
    ["other:5000/x/y:2", "registry.school.internal:5000/x/y", "2"],
    [`director/base@sha256:${"a".repeat(64)}`, "registry.school.internal:5000/director/base", "latest"],
    [`director/base:3@sha256:${"b".repeat(64)}`, "registry.school.internal:5000/director/base", "3"],
  ])("%s goes to %s with tag %s", (ref, repository, tag) => {
    expect(repositoryIn(registry, parseImageRef(ref))).toBe(repository);
    expect(tagOf(parseImageRef(ref))).toBe(tag);
  });
});
