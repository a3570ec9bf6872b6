import { randomBytes } from "node:crypto";
import Docker from "dockerode";
import { afterAll, describe, expect, it } from "vitest";
import { readLogLines } from "./docker-log-lines.js";
import { removeDockerTestObjects } from "./docker-test-objects.js";
import { baseImageLabel, ensureBusyboxBaseImage, stableBusyboxTag } from "./local-base-images.js";

const docker = new Docker();
const imageName = `director-test/base-busybox-${randomBytes(4).toString("hex")}`;
const imageRefs: string[] = [];
const containerIds: string[] = [];

afterAll(async () => {
  for (const id of containerIds) await docker.getContainer(id).remove({ force: true });
  await removeDockerTestObjects(docker, { serviceNames: [], imageRefs });
});

describe("ensureBusyboxBaseImage", () => {
  it("imports a labelled busybox image whose shell runs as the unprivileged site user", async () => {
    const ref = await ensureBusyboxBaseImage(docker, { imageName });
    imageRefs.push(ref, `${imageName}:${stableBusyboxTag}`);
    expect(ref).toMatch(new RegExp(`^${imageName}:[0-9a-f]{16}$`));
    const image = await docker.getImage(ref).inspect();
    expect(image.Config.Labels?.[baseImageLabel]).toBe("busybox");
    // the stable tag image rows refer to names the same image
    expect((await docker.getImage(`${imageName}:${stableBusyboxTag}`).inspect()).Id).toBe(image.Id);

    const container = await docker.createContainer({
      Image: ref,
      User: "site",
      Cmd: ["sh", "-c", "id -u; id -un; echo ok; ls -ld /tmp"],
      HostConfig: { NetworkMode: "none" },
    });
    containerIds.push(container.id);
    await container.start();
    const exit = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    const text = (await readLogLines(docker.modem, logs)).map((line) => line.text).join("\n");
    expect(exit.StatusCode).toBe(0);
    expect(text).toContain("1000");
    expect(text).toContain("site");
    expect(text).toContain("ok");
    expect(text).toMatch(/drwxrwxrwt/);
  });

  it("does not rebuild an existing image, and rebuilds to the same content when forced", async () => {
    const first = await ensureBusyboxBaseImage(docker, { imageName });
    imageRefs.push(first);
    const firstId = (await docker.getImage(first).inspect()).Id;
    const second = await ensureBusyboxBaseImage(docker, { imageName });
    expect(second).toBe(first);
    expect((await docker.getImage(second).inspect()).Id).toBe(firstId);
    const forced = await ensureBusyboxBaseImage(docker, { imageName, isForced: true });
    expect(forced).toBe(first);
    // The forced import moved the tag to a new image and left the old one untagged: remove that one too.
    imageRefs.push(firstId);
  });
});
