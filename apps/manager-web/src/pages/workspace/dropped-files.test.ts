import { describe, expect, it } from "vitest";
import {
  type DirectoryEntryLike,
  type EntryLike,
  type FileEntryLike,
  filesOfInput,
  walkEntries,
} from "./dropped-files";

const fileEntry = (name: string): FileEntryLike => ({
  name,
  isFile: true,
  isDirectory: false,
  file: (onFile) => onFile(new File([name], name)),
});

/** A folder whose reader answers `batchSize` entries at a time, as Chromium answers 100. */
const folderEntry = (name: string, children: EntryLike[], batchSize = 2): DirectoryEntryLike => ({
  name,
  isFile: false,
  isDirectory: true,
  createReader: () => {
    let at = 0;
    return {
      readEntries: (onEntries) => {
        onEntries(children.slice(at, at + batchSize));
        at += batchSize;
      },
    };
  },
});

describe("walkEntries", () => {
  it("walks dropped folders to the end, reading every batch", async () => {
    const dropped = [
      folderEntry("site", [
        fileEntry("a.html"),
        fileEntry("b.html"),
        fileEntry("c.html"),
        folderEntry("css", [fileEntry("s.css")]),
        folderEntry("empty", []),
      ]),
      fileEntry("run.sh"),
    ];
    const tree = await walkEntries(dropped);
    expect(tree.files.map((file) => file.relativePath)).toEqual([
      "site/a.html",
      "site/b.html",
      "site/c.html",
      "site/css/s.css",
      "run.sh",
    ]);
    expect(tree.folders).toEqual(["site", "site/css", "site/empty"]);
    expect(await tree.files[0]?.file.text()).toBe("a.html");
  });

  it("fails when a file cannot be read", async () => {
    const unreadable: FileEntryLike = { ...fileEntry("x"), file: (_, onError) => onError(new Error("gone")) };
    await expect(walkEntries([unreadable])).rejects.toThrow("gone");
  });
});

describe("filesOfInput", () => {
  it("keeps a folder picker's paths and the folders on the way", () => {
    const inFolder = (path: string) => {
      const file = new File(["x"], path.split("/").at(-1) ?? path);
      Object.defineProperty(file, "webkitRelativePath", { value: path });
      return file;
    };
    const tree = filesOfInput([inFolder("site/index.html"), inFolder("site/css/a.css")]);
    expect(tree.files.map((file) => file.relativePath)).toEqual(["site/index.html", "site/css/a.css"]);
    expect(tree.folders).toEqual(["site", "site/css"]);
    expect(filesOfInput([new File(["x"], "a.txt")]).files[0]?.relativePath).toBe("a.txt");
  });
});
