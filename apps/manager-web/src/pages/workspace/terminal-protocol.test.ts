import { describe, expect, it } from "vitest";
import {
  clampSize,
  endMessageOf,
  nextTerminalNumber,
  parseServerMessage,
  reconnectDelayMs,
  terminalUrl,
} from "./terminal-protocol";

describe("terminalUrl", () => {
  it("opens the socket on the page's host, secure under https, with the size", () => {
    expect(terminalUrl({ protocol: "https:", host: "director.school" }, "blog", { cols: 120, rows: 30 })).toBe(
      "wss://director.school/api/sites/blog/terminal?cols=120&rows=30",
    );
    expect(terminalUrl({ protocol: "http:", host: "localhost:8080" }, "blog", { cols: 80, rows: 24 })).toBe(
      "ws://localhost:8080/api/sites/blog/terminal?cols=80&rows=24",
    );
  });
  it("keeps the size within the server's bounds", () => {
    expect(clampSize({ cols: 1, rows: 0 })).toEqual({ cols: 2, rows: 1 });
    expect(clampSize({ cols: 9999, rows: 999.7 })).toEqual({ cols: 500, rows: 200 });
  });
});

describe("parseServerMessage", () => {
  it("reads the protocol's messages", () => {
    expect(parseServerMessage('{"type":"status","state":"starting"}')).toEqual({ type: "status", state: "starting" });
    expect(parseServerMessage('{"type":"pong"}')).toEqual({ type: "pong" });
    expect(parseServerMessage('{"type":"exit","code":2}')).toEqual({ type: "exit", code: 2 });
    expect(parseServerMessage('{"type":"exit","code":null}')).toEqual({ type: "exit", code: null });
    expect(parseServerMessage('{"type":"error","code":"TERMINAL_FAILED","message":"No."}')).toEqual({
      type: "error",
      code: "TERMINAL_FAILED",
      message: "No.",
    });
  });
  it("ignores what it does not know", () => {
    expect(parseServerMessage("not json")).toBeNull();
    expect(parseServerMessage('{"type":"status","state":"dancing"}')).toBeNull();
    expect(parseServerMessage('{"type":"error","code":1}')).toBeNull();
    expect(parseServerMessage('{"type":"news"}')).toBeNull();
    expect(parseServerMessage("null")).toBeNull();
  });
});

describe("endMessageOf", () => {
  it("says the shell's exit status or the server's error first", () => {
    expect(endMessageOf(1000, { type: "exit", code: 0 })).toBe("Shell exited with code 0.");
    expect(endMessageOf(1000, { type: "exit", code: null })).toBe("The shell was stopped.");
    expect(endMessageOf(4500, { type: "error", code: "X", message: "The image is missing." })).toBe(
      "The image is missing.",
    );
  });
  it("explains each close code", () => {
    expect(endMessageOf(4401, null)).toBe("Session ended, log in again.");
    expect(endMessageOf(4403, null)).toBe("You no longer have access to this site.");
    expect(endMessageOf(4408, null)).toMatch(/idle/);
    expect(endMessageOf(4429, null)).toMatch(/Too many terminals/);
    expect(endMessageOf(4500, null)).toMatch(/could not start/);
    expect(endMessageOf(1006, null)).toMatch(/lost/);
    expect(endMessageOf(1011, null)).toBe("The terminal closed (code 1011).");
  });
});

describe("reconnectDelayMs and nextTerminalNumber", () => {
  it("waits longer before each automatic reconnection", () => {
    expect([1, 2, 3].map(reconnectDelayMs)).toEqual([1000, 2000, 4000]);
  });
  it("numbers a new terminal with the lowest free number", () => {
    expect(nextTerminalNumber([])).toBe(1);
    expect(nextTerminalNumber([1, 2])).toBe(3);
    expect(nextTerminalNumber([2, 3])).toBe(1);
  });
});
