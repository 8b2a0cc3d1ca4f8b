import { describe, expect, it } from "vitest";
import type { FlowDocument } from "../api/types";
import { canvasDocument, canvasReducer, type CanvasAction, type CanvasState, HISTORY_LIMIT, initCanvas } from "./store";

const doc = {
  id: "demo",
  name: "Demo",
  nodes: [
    { id: "fetch", type: "http_request", config: { url: "https://example.com" }, position: { x: 0, y: 0 } },
    { id: "check", type: "condition", config: { condition: "{{ fetch.status = 200 }}" }, position: { x: 200, y: 0 } },
    { id: "done", type: "noop", config: {}, name: "Done", position: { x: 400, y: 0 } },
  ],
  connections: [
    { from: "fetch", to: "check" },
    { from: "check", to: "done", label: "true" },
  ],
} as unknown as FlowDocument;

const run = (state: CanvasState, ...actions: CanvasAction[]): CanvasState => actions.reduce(canvasReducer, state);
const ids = (state: CanvasState): string[] => state.graph.nodes.map((n) => n.id);

describe("document conversion", () => {
  it("round-trips a flow document unchanged", () => {
    expect(canvasDocument(initCanvas(doc))).toEqual(doc);
  });

  it("lays out nodes that have no position", () => {
    const bare = { ...doc, nodes: doc.nodes.map(({ position: _p, ...n }) => n) } as FlowDocument;
    const xs = initCanvas(bare).graph.nodes.map((n) => n.position.x);
    expect(xs[0]).toBeLessThan(xs[1]!);
    expect(xs[1]).toBeLessThan(xs[2]!);
  });

  it("keeps non-config node fields like name", () => {
    const out = canvasDocument(initCanvas(doc));
    expect(out.nodes[2]).toMatchObject({ name: "Done" });
  });
});

describe("editing", () => {
  it("adds a node with a unique id derived from its type and selects it", () => {
    const s = run(initCanvas(doc), { type: "addNode", nodeType: "noop", position: { x: 1, y: 2 } });
    expect(ids(s)).toContain("noop");
    const t = run(s, { type: "addNode", nodeType: "noop", position: { x: 1, y: 2 } });
    expect(ids(t)).toContain("noop-2");
    expect(t.selection.nodes).toEqual(["noop-2"]);
  });

  it("moves a node", () => {
    const s = run(initCanvas(doc), { type: "moveNodes", positions: { done: { x: 9, y: 9 } } });
    expect(s.graph.nodes[2]!.position).toEqual({ x: 9, y: 9 });
  });

  it("deleting a node removes its connections", () => {
    const s = run(initCanvas(doc), { type: "deleteNodes", ids: ["check"] });
    expect(ids(s)).toEqual(["fetch", "done"]);
    expect(s.graph.edges).toEqual([]);
  });

  it("deletes the selection", () => {
    const s = run(initCanvas(doc), { type: "select", nodes: ["done"], edges: ["fetch->check"] }, { type: "deleteSelection" });
    expect(ids(s)).toEqual(["fetch", "check"]);
    expect(s.graph.edges).toEqual([]);
    expect(s.selection).toEqual({ nodes: [], edges: [] });
  });

  it("connects two nodes once and refuses self loops", () => {
    const s = run(initCanvas(doc), { type: "connect", from: "fetch", to: "done" });
    expect(s.graph.edges.map((e) => e.id)).toContain("fetch->done");
    expect(run(s, { type: "connect", from: "fetch", to: "done" })).toBe(s);
    expect(run(s, { type: "connect", from: "done", to: "done" })).toBe(s);
  });

  it("edits a connection condition", () => {
    const s = run(initCanvas(doc), { type: "updateEdge", id: "fetch->check", patch: { condition: "{{ fetch.ok }}" } });
    expect(canvasDocument(s).connections?.[0]).toEqual({ from: "fetch", to: "check", condition: "{{ fetch.ok }}" });
  });

  it("updates a node config", () => {
    const s = run(initCanvas(doc), { type: "updateConfig", id: "done", config: { note: "x" } });
    expect(s.graph.nodes[2]!.config).toEqual({ note: "x" });
  });
});

describe("copy and paste", () => {
  it("pastes copies with fresh ids, offset positions and their inner connections", () => {
    const s = run(
      initCanvas(doc),
      { type: "select", nodes: ["fetch", "check"] },
      { type: "copy" },
      { type: "paste" },
    );
    expect(ids(s)).toEqual(["fetch", "check", "done", "fetch-2", "check-2"]);
    expect(s.graph.nodes[3]!.position).toEqual({ x: 40, y: 40 });
    expect(s.graph.edges.at(-1)).toMatchObject({ from: "fetch-2", to: "check-2" });
    expect(s.selection.nodes).toEqual(["fetch-2", "check-2"]);
  });

  it("does not copy connections leaving the selection", () => {
    const s = run(initCanvas(doc), { type: "select", nodes: ["check"] }, { type: "copy" }, { type: "paste" });
    expect(s.graph.edges).toHaveLength(2);
  });

  it("paste without a clipboard changes nothing", () => {
    const s = initCanvas(doc);
    expect(canvasReducer(s, { type: "paste" })).toBe(s);
  });
});

describe("undo and redo", () => {
  it("undoes and redoes an edit", () => {
    const start = initCanvas(doc);
    const s = run(start, { type: "deleteNodes", ids: ["done"] });
    const undone = run(s, { type: "undo" });
    expect(undone.graph).toBe(start.graph);
    expect(run(undone, { type: "redo" }).graph).toBe(s.graph);
  });

  it("a new edit clears the redo stack", () => {
    const s = run(initCanvas(doc), { type: "deleteNodes", ids: ["done"] }, { type: "undo" }, {
      type: "addNode",
      nodeType: "noop",
      position: { x: 0, y: 0 },
    });
    expect(s.future).toEqual([]);
  });

  it("applies incremental selection changes to the current selection", () => {
    const s = run(
      initCanvas(doc),
      { type: "select", nodes: ["fetch"], edges: ["fetch->check"] },
      { type: "changeSelection", nodes: { fetch: false, done: true } },
      { type: "changeSelection", edges: { "fetch->check": false } },
    );
    expect(s.selection).toEqual({ nodes: ["done"], edges: [] });
  });

  it("selection changes are not undo steps", () => {
    const s = run(initCanvas(doc), { type: "select", nodes: ["done"] });
    expect(s.past).toEqual([]);
  });

  it("a drag is one undo step: checkpoint then transient moves", () => {
    const start = initCanvas(doc);
    const s = run(
      start,
      { type: "checkpoint" },
      { type: "moveNodes", positions: { done: { x: 1, y: 1 } }, transient: true },
      { type: "moveNodes", positions: { done: { x: 2, y: 2 } }, transient: true },
    );
    expect(s.past).toHaveLength(1);
    expect(run(s, { type: "undo" }).graph).toBe(start.graph);
  });

  it("keeps at most HISTORY_LIMIT steps", () => {
    let s = initCanvas(doc);
    for (let i = 0; i <= HISTORY_LIMIT + 5; i += 1) {
      s = run(s, { type: "moveNodes", positions: { done: { x: i + 1000, y: 0 } } });
    }
    expect(s.past).toHaveLength(HISTORY_LIMIT);
  });
});

describe("auto-layout", () => {
  it("puts each node right of its predecessors", () => {
    const s = run(
      initCanvas({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) } as FlowDocument),
      { type: "autoLayout" },
    );
    const x = Object.fromEntries(s.graph.nodes.map((n) => [n.id, n.position.x]));
    expect(x.fetch).toBeLessThan(x.check!);
    expect(x.check).toBeLessThan(x.done!);
  });

  it("terminates on a cycle", () => {
    const cyclic = { ...doc, connections: [...(doc.connections ?? []), { from: "done", to: "fetch" }] } as FlowDocument;
    const s = run(initCanvas(cyclic), { type: "autoLayout" });
    expect(s.graph.nodes).toHaveLength(3);
  });

  it("is one undo step", () => {
    const start = initCanvas({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, position: { x: 0, y: 0 } })) } as FlowDocument);
    expect(run(start, { type: "autoLayout" }, { type: "undo" }).graph).toBe(start.graph);
  });
});
