// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, expect, it } from "vitest";
import type { FlowDiff } from "../api/types";
import { DiffView } from "./DiffView";

afterEach(cleanup);

it("lists added, removed and changed nodes, connections and fields", () => {
  const diff = {
    flow_id: "f",
    from_version: 1,
    to_version: 2,
    nodes: {
      added: [{ id: "notify", type: "slack" }],
      removed: [{ id: "old", type: "noop" }],
      changed: [{ id: "fetch", changes: [{ path: "config.url", before: "a", after: "b" }] }],
    },
    connections: { added: [{ from: "fetch", to: "notify" }], removed: [] },
    triggers: { added: [], removed: [] },
    metadata: [{ path: "name", before: "A", after: "B" }],
    settings: [],
  } as unknown as FlowDiff;
  render(<DiffView diff={diff} />);
  const text = screen.getByTestId("diff").textContent ?? "";
  expect(text).toContain("+ node notify (slack)");
  expect(text).toContain("− node old (noop)");
  expect(text).toContain('config.url: "a" → "b"');
  expect(text).toContain("+ connection fetch → notify");
  expect(text).toContain('name: "A" → "B"');
});

it("says when two versions are the same", () => {
  const same = { from_version: 1, to_version: 1, nodes: {}, connections: {}, triggers: {}, metadata: [], settings: [] } as unknown as FlowDiff;
  render(<DiffView diff={same} />);
  expect(screen.getByText("No differences.")).toBeTruthy();
});
