import { describe, expect, it } from "vitest";
import type { NodeTypeInfo } from "../api/types";
import { groupNodeTypes, typeLabel } from "./Palette";

const t = (type: string, category: string, description = ""): NodeTypeInfo =>
  ({ type, category, description, icon: "x" }) as NodeTypeInfo;
const types = [t("slack", "integration", "Post to Slack"), t("noop", "core"), t("webhook_trigger", "trigger")];

describe("groupNodeTypes", () => {
  it("groups by category, triggers first", () => {
    expect(groupNodeTypes(types, "").map(([c]) => c)).toEqual(["trigger", "core", "integration"]);
  });

  it("searches type and description", () => {
    expect(groupNodeTypes(types, "post")).toEqual([["integration", [types[0]]]]);
  });
});

it("labels types readably", () => {
  expect(typeLabel("http_request")).toBe("Http request");
});
