import { describe, expect, it } from "vitest";
import { languageForFile, languageLabel } from "./language-for-file";

describe("languageForFile", () => {
  it("chooses by extension, whatever its case", () => {
    expect(languageForFile("index.html")?.language).toBe("html");
    expect(languageForFile("INDEX.HTM")?.language).toBe("html");
    expect(languageForFile("style.css")?.language).toBe("css");
    expect(languageForFile("app.py")?.language).toBe("python");
    expect(languageForFile("package.json")?.language).toBe("json");
    expect(languageForFile("README.md")?.language).toBe("markdown");
    expect(languageForFile("index.php")?.language).toBe("php");
    expect(languageForFile("schema.sql")?.language).toBe("sql");
  });
  it("tells JavaScript, TypeScript and JSX apart", () => {
    expect(languageForFile("server.mjs")).toEqual({ language: "javascript", isJsx: false, isTypeScript: false });
    expect(languageForFile("main.ts")).toEqual({ language: "javascript", isJsx: false, isTypeScript: true });
    expect(languageForFile("App.tsx")).toEqual({ language: "javascript", isJsx: true, isTypeScript: true });
    expect(languageForFile("App.jsx")).toEqual({ language: "javascript", isJsx: true, isTypeScript: false });
  });
  it("knows a few names without extension and leaves the rest plain text", () => {
    expect(languageForFile(".babelrc")?.language).toBe("json");
    expect(languageForFile("run.sh")).toBeNull();
    expect(languageForFile("Makefile")).toBeNull();
    expect(languageForFile(".env")).toBeNull();
    expect(languageForFile("archive.tar.gz")).toBeNull();
  });
});

describe("languageLabel", () => {
  it("names the syntax for the status bar", () => {
    expect(languageLabel(languageForFile("App.tsx"))).toBe("TypeScript JSX");
    expect(languageLabel(languageForFile("a.js"))).toBe("JavaScript");
    expect(languageLabel(languageForFile("a.php"))).toBe("PHP");
    expect(languageLabel(null)).toBe("Plain text");
  });
});
