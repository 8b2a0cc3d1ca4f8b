import { describe, expect, it } from "vitest";
import { shortcutAction } from "./FlowCanvas";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...mods,
});

describe("shortcutAction", () => {
  it("maps copy, paste, undo and both redo chords", () => {
    expect(shortcutAction(key("c", { ctrlKey: true }))).toEqual({ type: "copy" });
    expect(shortcutAction(key("v", { metaKey: true }))).toEqual({ type: "paste" });
    expect(shortcutAction(key("z", { ctrlKey: true }))).toEqual({ type: "undo" });
    expect(shortcutAction(key("Z", { ctrlKey: true, shiftKey: true }))).toEqual({ type: "redo" });
    expect(shortcutAction(key("y", { ctrlKey: true }))).toEqual({ type: "redo" });
  });

  it("ignores keys without a modifier", () => {
    expect(shortcutAction(key("c"))).toBeNull();
  });
});
