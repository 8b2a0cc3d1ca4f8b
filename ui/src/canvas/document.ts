// Conversion between the flow document JSON (the API's `Flow`) and the canvas model.
import type { FlowConnection, FlowDocument, FlowNode } from "../api/types";
import { layeredLayout } from "./layout";

export interface XY {
  x: number;
  y: number;
}

/** A node on the canvas: the document node with a position always set. */
export interface CanvasNode {
  id: string;
  type: string;
  position: XY;
  config: Record<string, unknown>;
  /** Other node fields (name, description, retry, on_error), kept as they are. */
  extra: Record<string, unknown>;
}

/** A connection on the canvas, with a stable id for the renderer. */
export interface CanvasEdge {
  id: string;
  from: string;
  to: string;
  condition?: string | null;
  label?: string | null;
}

/** Everything of the document except nodes and connections. */
export type FlowMeta = Omit<FlowDocument, "nodes" | "connections">;

export interface CanvasGraph {
  meta: FlowMeta;
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

/** An edge id unique among `taken`: `from->to`, suffixed when the pair repeats. */
export function edgeId(from: string, to: string, taken: ReadonlySet<string>): string {
  const base = `${from}->${to}`;
  if (!taken.has(base)) return base;
  let n = 2;
  while (taken.has(`${base}#${n}`)) n += 1;
  return `${base}#${n}`;
}

/** The canvas graph of a flow document; nodes without a position are laid out automatically. */
export function fromFlowDocument(doc: FlowDocument): CanvasGraph {
  const { nodes: docNodes, connections, ...meta } = doc;
  const taken = new Set<string>();
  const edges: CanvasEdge[] = (connections ?? []).map((c) => {
    const id = edgeId(c.from, c.to, taken);
    taken.add(id);
    const edge: CanvasEdge = { id, from: c.from, to: c.to };
    if (c.condition !== undefined) edge.condition = c.condition;
    if (c.label !== undefined) edge.label = c.label;
    return edge;
  });
  const missing = docNodes.some((n) => !n.position);
  const auto = missing ? layeredLayout({ nodes: docNodes, edges }) : {};
  const nodes = docNodes.map((n): CanvasNode => {
    const { id, type, position, config, ...extra } = n as FlowNode & { config?: Record<string, unknown> };
    return {
      id,
      type,
      position: position ? { x: position.x ?? 0, y: position.y ?? 0 } : (auto[id] ?? { x: 0, y: 0 }),
      config: { ...(config ?? {}) },
      extra: { ...extra },
    };
  });
  return { meta, nodes, edges };
}

/** The flow document of a canvas graph (positions rounded to whole pixels). */
export function toFlowDocument(graph: CanvasGraph): FlowDocument {
  const nodes = graph.nodes.map(
    (n) =>
      ({
        id: n.id,
        type: n.type,
        ...n.extra,
        config: n.config,
        position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
      }) as unknown as FlowNode,
  );
  const connections = graph.edges.map((e): FlowConnection => {
    const c: FlowConnection = { from: e.from, to: e.to };
    if (e.condition) c.condition = e.condition;
    if (e.label) c.label = e.label;
    return c;
  });
  return { ...graph.meta, nodes, connections } as FlowDocument;
}
