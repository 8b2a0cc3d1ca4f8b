// The canvas state: a pure reducer with undo/redo history, clipboard and selection (no React, no DOM).
import type { FlowDocument } from "../api/types";
import {
  type CanvasEdge,
  type CanvasGraph,
  type CanvasNode,
  edgeId,
  fromFlowDocument,
  toFlowDocument,
  type FlowMeta,
  type XY,
} from "./document";
import { layeredLayout } from "./layout";

export interface Selection {
  nodes: string[];
  edges: string[];
}

export interface Clipboard {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

export interface CanvasState {
  graph: CanvasGraph;
  selection: Selection;
  clipboard: Clipboard | null;
  past: CanvasGraph[];
  future: CanvasGraph[];
  /** How many times paste ran since the last copy (each paste is offset a bit further). */
  pasteCount: number;
}

export type CanvasAction =
  | { type: "load"; doc: FlowDocument }
  | { type: "addNode"; nodeType: string; position: XY; config?: Record<string, unknown>; id?: string }
  | { type: "moveNodes"; positions: Record<string, XY>; transient?: boolean }
  | { type: "checkpoint" }
  | { type: "deleteNodes"; ids: string[]; edges?: string[] }
  | { type: "deleteEdges"; ids: string[] }
  | { type: "deleteSelection" }
  | { type: "connect"; from: string; to: string; condition?: string | null; label?: string | null }
  | { type: "updateEdge"; id: string; patch: Partial<Pick<CanvasEdge, "condition" | "label">> }
  | { type: "updateConfig"; id: string; config: Record<string, unknown> }
  | { type: "updateNodeFields"; id: string; patch: Record<string, unknown> }
  | { type: "updateMeta"; patch: Partial<FlowMeta> }
  | { type: "select"; nodes?: string[]; edges?: string[] }
  /** Incremental selection changes (id → selected) applied to the current selection. */
  | { type: "changeSelection"; nodes?: Record<string, boolean>; edges?: Record<string, boolean> }
  | { type: "copy" }
  | { type: "paste"; offset?: XY }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "autoLayout" };

/** Most undo steps kept. */
export const HISTORY_LIMIT = 100;
const EMPTY_SELECTION: Selection = { nodes: [], edges: [] };

/** A fresh state for a flow document (empty history and selection). */
export function initCanvas(doc: FlowDocument): CanvasState {
  return {
    graph: fromFlowDocument(doc),
    selection: EMPTY_SELECTION,
    clipboard: null,
    past: [],
    future: [],
    pasteCount: 0,
  };
}

/** The flow document of the current state. */
export function canvasDocument(state: CanvasState): FlowDocument {
  return toFlowDocument(state.graph);
}

/** A node id not used yet: the type itself, then `type-2`, `type-3`... (ids are template roots). */
export function uniqueNodeId(base: string, taken: ReadonlySet<string>): string {
  const stem = base.replace(/[^A-Za-z0-9_-]/g, "-").replace(/-\d+$/, "") || "node";
  if (!taken.has(stem)) return stem;
  let n = 2;
  while (taken.has(`${stem}-${n}`)) n += 1;
  return `${stem}-${n}`;
}

function commit(state: CanvasState, graph: CanvasGraph, selection: Selection = state.selection): CanvasState {
  if (graph === state.graph) return state;
  const past = [...state.past, state.graph].slice(-HISTORY_LIMIT);
  return { ...state, graph, selection, past, future: [] };
}

function pruneSelection(graph: CanvasGraph, selection: Selection): Selection {
  const nodes = new Set(graph.nodes.map((n) => n.id));
  const edges = new Set(graph.edges.map((e) => e.id));
  return { nodes: selection.nodes.filter((id) => nodes.has(id)), edges: selection.edges.filter((id) => edges.has(id)) };
}

function removeNodes(graph: CanvasGraph, ids: ReadonlySet<string>, edgeIds: ReadonlySet<string>): CanvasGraph {
  if (ids.size === 0 && edgeIds.size === 0) return graph;
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => !ids.has(n.id)),
    edges: graph.edges.filter((e) => !edgeIds.has(e.id) && !ids.has(e.from) && !ids.has(e.to)),
  };
}

function mapNode(graph: CanvasGraph, id: string, change: (node: CanvasNode) => CanvasNode): CanvasGraph {
  if (!graph.nodes.some((n) => n.id === id)) return graph;
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === id ? change(n) : n)) };
}

function paste(state: CanvasState, offset: XY | undefined): CanvasState {
  const clip = state.clipboard;
  if (!clip || clip.nodes.length === 0) return state;
  const count = state.pasteCount + 1;
  const shift = offset ?? { x: 40 * count, y: 40 * count };
  const taken = new Set(state.graph.nodes.map((n) => n.id));
  const renamed = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = uniqueNodeId(n.id, taken);
    taken.add(id);
    renamed.set(n.id, id);
    return { ...n, id, position: { x: n.position.x + shift.x, y: n.position.y + shift.y } };
  });
  const edgeIds = new Set(state.graph.edges.map((e) => e.id));
  const edges = clip.edges.map((e) => {
    const from = renamed.get(e.from)!;
    const to = renamed.get(e.to)!;
    const id = edgeId(from, to, edgeIds);
    edgeIds.add(id);
    return { ...e, id, from, to };
  });
  const graph = { ...state.graph, nodes: [...state.graph.nodes, ...nodes], edges: [...state.graph.edges, ...edges] };
  return {
    ...commit(state, graph, { nodes: nodes.map((n) => n.id), edges: edges.map((e) => e.id) }),
    pasteCount: count,
  };
}

/** Apply one action; returns the same object when nothing changed. */
export function canvasReducer(state: CanvasState, action: CanvasAction): CanvasState {
  const { graph } = state;
  switch (action.type) {
    case "load":
      return { ...initCanvas(action.doc), clipboard: state.clipboard };
    case "addNode": {
      const taken = new Set(graph.nodes.map((n) => n.id));
      const id = uniqueNodeId(action.id ?? action.nodeType, taken);
      const node: CanvasNode = {
        id,
        type: action.nodeType,
        position: action.position,
        config: { ...(action.config ?? {}) },
        extra: {},
      };
      return commit(state, { ...graph, nodes: [...graph.nodes, node] }, { nodes: [id], edges: [] });
    }
    case "moveNodes": {
      const moved = graph.nodes.map((n) => {
        const p = action.positions[n.id];
        return p && (p.x !== n.position.x || p.y !== n.position.y) ? { ...n, position: p } : n;
      });
      if (moved.every((n, i) => n === graph.nodes[i])) return state;
      const next = { ...graph, nodes: moved };
      return action.transient ? { ...state, graph: next } : commit(state, next);
    }
    case "checkpoint":
      return { ...state, past: [...state.past, graph].slice(-HISTORY_LIMIT), future: [] };
    case "deleteNodes": {
      const next = removeNodes(graph, new Set(action.ids), new Set(action.edges ?? []));
      return commit(state, next, pruneSelection(next, state.selection));
    }
    case "deleteEdges": {
      const next = removeNodes(graph, new Set(), new Set(action.ids));
      return commit(state, next, pruneSelection(next, state.selection));
    }
    case "deleteSelection": {
      const next = removeNodes(graph, new Set(state.selection.nodes), new Set(state.selection.edges));
      return commit(state, next, EMPTY_SELECTION);
    }
    case "connect": {
      const ids = new Set(graph.nodes.map((n) => n.id));
      const { from, to } = action;
      if (from === to || !ids.has(from) || !ids.has(to)) return state;
      if (graph.edges.some((e) => e.from === from && e.to === to && (e.label ?? null) === (action.label ?? null))) {
        return state;
      }
      const edge: CanvasEdge = { id: edgeId(from, to, new Set(graph.edges.map((e) => e.id))), from, to };
      if (action.condition) edge.condition = action.condition;
      if (action.label) edge.label = action.label;
      return commit(state, { ...graph, edges: [...graph.edges, edge] });
    }
    case "updateEdge": {
      if (!graph.edges.some((e) => e.id === action.id)) return state;
      const edges = graph.edges.map((e) => (e.id === action.id ? { ...e, ...action.patch } : e));
      return commit(state, { ...graph, edges });
    }
    case "updateConfig":
      return commit(state, mapNode(graph, action.id, (n) => ({ ...n, config: action.config })));
    case "updateNodeFields":
      return commit(state, mapNode(graph, action.id, (n) => ({ ...n, extra: { ...n.extra, ...action.patch } })));
    case "updateMeta":
      return commit(state, { ...graph, meta: { ...graph.meta, ...action.patch } });
    case "select":
      return { ...state, selection: { nodes: action.nodes ?? [], edges: action.edges ?? [] } };
    case "changeSelection": {
      const apply = (current: string[], changes: Record<string, boolean> | undefined): string[] => {
        if (!changes) return current;
        const kept = current.filter((id) => changes[id] !== false);
        const added = Object.keys(changes).filter((id) => changes[id] && !kept.includes(id));
        return [...kept, ...added];
      };
      return {
        ...state,
        selection: { nodes: apply(state.selection.nodes, action.nodes), edges: apply(state.selection.edges, action.edges) },
      };
    }
    case "copy": {
      const chosen = new Set(state.selection.nodes);
      if (chosen.size === 0) return state;
      return {
        ...state,
        pasteCount: 0,
        clipboard: {
          nodes: graph.nodes.filter((n) => chosen.has(n.id)),
          edges: graph.edges.filter((e) => chosen.has(e.from) && chosen.has(e.to)),
        },
      };
    }
    case "paste":
      return paste(state, action.offset);
    case "undo": {
      const previous = state.past.at(-1);
      if (!previous) return state;
      return {
        ...state,
        graph: previous,
        past: state.past.slice(0, -1),
        future: [graph, ...state.future],
        selection: pruneSelection(previous, state.selection),
      };
    }
    case "redo": {
      const next = state.future[0];
      if (!next) return state;
      return {
        ...state,
        graph: next,
        past: [...state.past, graph],
        future: state.future.slice(1),
        selection: pruneSelection(next, state.selection),
      };
    }
    case "autoLayout": {
      const positions = layeredLayout(graph);
      return canvasReducer(state, { type: "moveNodes", positions });
    }
  }
}
