/**
 * The site picker: `ssh alice@host` with a terminal lists the sites alice may open and reads a number or a name,
 * echoing what is typed (the terminal is in raw mode: the server echoes). Ctrl+C or Ctrl+D leaves.
 */
import type { ServerChannel } from "ssh2";

export interface PickerSite {
  name: string;
  type: string;
  isEnabled: boolean;
}

/** The longest answer read; more is ignored. */
const maxLineLength = 128;
const maxTries = 3;

/** Resolves to the chosen site's name, or null when the person left or gave no valid answer. */
export async function pickSite(channel: ServerChannel, sites: readonly PickerSite[]): Promise<string | null> {
  const width = String(sites.length).length;
  const lines = sites.map(
    (site, index) =>
      `  ${String(index + 1).padStart(width)}) ${site.name} (${site.type}${site.isEnabled ? "" : ", disabled"})`,
  );
  channel.write(`Your sites:\r\n${lines.join("\r\n")}\r\n`);
  for (let attempt = 0; attempt < maxTries; attempt += 1) {
    channel.write("Open which site (number or name)? ");
    const answer = await readLine(channel);
    if (answer === null) return null;
    const text = answer.trim();
    if (text === "") continue;
    const byNumber = /^\d+$/.test(text) ? sites[Number(text) - 1] : undefined;
    const chosen = byNumber ?? sites.find((site) => site.name === text.toLowerCase());
    if (chosen !== undefined) return chosen.name;
    channel.write(`There is no site "${text.slice(0, 64)}" in the list.\r\n`);
  }
  return null;
}

/** One line typed into the channel, echoed; null on Ctrl+C, Ctrl+D on an empty line, or the channel's end. */
function readLine(channel: ServerChannel): Promise<string | null> {
  return new Promise((resolve) => {
    let line = "";
    const finish = (value: string | null) => {
      channel.off("data", onData);
      channel.off("close", onClose);
      // Whatever is typed next belongs to the shell: held until the bridge reads it.
      channel.pause();
      resolve(value);
    };
    const onClose = () => finish(null);
    const onData = (data: Buffer) => {
      for (const [index, byte] of data.entries()) {
        if (byte === 0x03 || (byte === 0x04 && line === "")) {
          channel.write("\r\n");
          finish(null);
          return;
        }
        if (byte === 0x0d || byte === 0x0a) {
          channel.write("\r\n");
          finish(line);
          // What was typed after the answer (a fast typist, a script) is the shell's first input, but the \n of a \r\n.
          const skip = byte === 0x0d && data[index + 1] === 0x0a ? 2 : 1;
          const rest = data.subarray(index + skip);
          if (rest.length > 0) channel.unshift(rest);
          return;
        }
        if (byte === 0x7f || byte === 0x08) {
          if (line.length > 0) {
            line = line.slice(0, -1);
            channel.write("\b \b");
          }
        } else if (byte >= 0x20 && byte < 0x7f && line.length < maxLineLength) {
          line += String.fromCharCode(byte);
          channel.write(String.fromCharCode(byte));
        }
      }
    };
    channel.on("data", onData);
    channel.on("close", onClose);
  });
}
