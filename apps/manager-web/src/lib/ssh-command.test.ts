import { describe, expect, it } from "vitest";
import { sftpCommand, sshCommand } from "./ssh-command";

const info = { host: "director.school.test", port: 2222, siteSeparator: "+" };

describe("ssh commands", () => {
  it("names the user, the site and the port", () => {
    expect(sshCommand(info, "ann", "blog")).toBe("ssh -p 2222 ann+blog@director.school.test");
    expect(sftpCommand(info, "ann", "blog")).toBe("sftp -P 2222 ann+blog@director.school.test");
  });

  it("leaves out SSH's own port, and the site when none is named", () => {
    expect(sshCommand({ ...info, port: 22 }, "ann", null)).toBe("ssh ann@director.school.test");
    expect(sftpCommand({ ...info, port: 22 }, "ann", "blog")).toBe("sftp ann+blog@director.school.test");
  });
});
