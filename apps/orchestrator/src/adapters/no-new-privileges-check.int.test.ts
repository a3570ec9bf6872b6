import { randomBytes } from "node:crypto";
import type { ImageRef } from "@director/domain/image-ref";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { removeDockerTestObjects } from "./docker-test-objects.js";
import { ensureBusyboxBaseImage } from "./local-base-images.js";
import { checkNoNewPrivileges } from "./no-new-privileges-check.js";
import { managedLabel } from "./swarm-service-spec.js";

const docker = new Docker();
const imageName = `director-test/base-busybox-${randomBytes(4).toString("hex")}`;
let image: ImageRef | undefined;

afterAll(async () => {
  await removeDockerTestObjects(docker, { serviceNames: [], imageRefs: image === undefined ? [] : [image] });
});

describe("checkNoNewPrivileges on the real engine", () => {
  it("passes on this machine's daemon (setup-host.sh sets its default) and leaves no container behind", async () => {
    image = await ensureBusyboxBaseImage(docker, { imageName });
    await expect(checkNoNewPrivileges(docker, image)).resolves.toBeUndefined();
    // The probe container ran this test's own image: none of it may be left.
    const left = await docker.listContainers({ all: true, filters: { ancestor: [image], label: [managedLabel] } });
    expect(left).toEqual([]);
  });
});
