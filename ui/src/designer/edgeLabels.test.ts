import { describe, expect, it } from "vitest";
import { edgeLabelOptions } from "./edgeLabels";

describe("edgeLabelOptions", () => {
  it("offers true/false after a condition, body/done after a loop", () => {
    expect(edgeLabelOptions("condition", {})).toEqual(["true", "false"]);
    expect(edgeLabelOptions("loop", {})).toEqual(["body", "done"]);
  });

  it("offers the switch's case names and default", () => {
    expect(edgeLabelOptions("switch", { cases: [{ name: "gold" }, { name: "" }, { name: "silver" }] })).toEqual([
      "gold",
      "silver",
      "default",
    ]);
  });

  it("offers nothing for other kinds", () => {
    expect(edgeLabelOptions("task", {})).toEqual([]);
  });
});
