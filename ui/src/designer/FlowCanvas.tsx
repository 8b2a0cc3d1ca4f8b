// The canvas: renders the store's graph with @xyflow/react and turns its events into store actions.
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MarkerType,
  MiniMap,
  type NodeChange,
  ReactFlow,
  useReactFlow,
} from "@xyflow/react";
import { type DragEvent, type KeyboardEvent, useCallback, useMemo, useRef, useState } from "react";
import type { NodeTypeInfo } from "../api/types";
import type { CanvasAction, CanvasState } from "../canvas/store";
import type { NodeRunStatus } from "../execution/status";
import { useDarkClass } from "../hooks/useDarkClass";
import { DRAG_TYPE } from "./Palette";
import { StepNode, type StepNodeType } from "./StepNode";
import type { PlacedErrors } from "./validation";

const NODE_TYPES = { step: StepNode };
// Fitting never zooms in past 100 %: a new flow's first dropped node keeps its size instead of doubling.
const FIT_VIEW = { maxZoom: 1 };

export interface FlowCanvasProps {
  state: CanvasState;
  dispatch: (action: CanvasAction) => void;
  byType: Map<string, NodeTypeInfo>;
  errors: PlacedErrors;
  statuses?: Record<string, NodeRunStatus> | undefined;
  /** One-line errors of the nodes that failed in the followed execution. */
  runErrors?: Record<string, string> | undefined;
  onAddType: (type: string, position: { x: number; y: number }) => void;
}

/** Keyboard shortcuts of the canvas (copy, paste, undo, redo) → actions; null when not a shortcut. */
export function shortcutAction(e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }): CanvasAction | null {
  if (!(e.ctrlKey || e.metaKey)) return null;
  const key = e.key.toLowerCase();
  if (key === "c") return { type: "copy" };
  if (key === "v") return { type: "paste" };
  if (key === "z") return e.shiftKey ? { type: "redo" } : { type: "undo" };
  if (key === "y") return { type: "redo" };
  return null;
}

export function FlowCanvas({ state, dispatch, byType, errors, statuses, runErrors, onAddType }: FlowCanvasProps) {
  const flow = useReactFlow();
  const dark = useDarkClass();
  const dragging = useRef(false);
  // An opened flow is fitted into view; an empty one is not (fitting would pan away from the first drop).
  const [fitOnOpen] = useState(() => state.graph.nodes.length > 0);
  const [measured, setMeasured] = useState<Record<string, { width: number; height: number }>>({});
  const selectedNodes = useMemo(() => new Set(state.selection.nodes), [state.selection.nodes]);
  const selectedEdges = useMemo(() => new Set(state.selection.edges), [state.selection.edges]);

  const nodes = useMemo<StepNodeType[]>(
    () =>
      state.graph.nodes.map((n) => {
        const info = byType.get(n.type);
        const name = typeof n.extra.name === "string" && n.extra.name ? n.extra.name : n.id;
        return {
          id: n.id,
          type: "step",
          position: n.position,
          selected: selectedNodes.has(n.id),
          ...(measured[n.id] ? { measured: measured[n.id] } : {}),
          data: {
            nodeId: n.id,
            nodeType: n.type,
            label: name,
            icon: info?.icon ?? "circle",
            isTrigger: info?.category === "trigger",
            errors: errors.nodes[n.id] ?? [],
            status: statuses?.[n.id],
            runError: runErrors?.[n.id],
          },
        };
      }),
    [state.graph.nodes, byType, selectedNodes, measured, errors, statuses, runErrors],
  );

  const edges = useMemo<Edge[]>(
    () =>
      state.graph.edges.map((e, i) => {
        const text = [e.label, e.condition].filter(Boolean).join(" · ");
        const bad = (errors.connections[i] ?? []).length > 0;
        return {
          id: e.id,
          source: e.from,
          target: e.to,
          selected: selectedEdges.has(e.id),
          label: text || undefined,
          markerEnd: { type: MarkerType.ArrowClosed },
          ariaLabel: `Connection from ${e.from} to ${e.to}${text ? ` (${text})` : ""}`,
          style: bad ? { stroke: "#e11d48" } : undefined,
        };
      }),
    [state.graph.edges, selectedEdges, errors],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNodeType>[]) => {
      const positions: Record<string, { x: number; y: number }> = {};
      let ended = false;
      const selection: Record<string, boolean> = {};
      const dims: Record<string, { width: number; height: number }> = {};
      for (const c of changes) {
        if (c.type === "position" && c.position) {
          if (c.dragging && !dragging.current) {
            dragging.current = true;
            dispatch({ type: "checkpoint" });
          }
          positions[c.id] = c.position;
          if (!c.dragging) ended = true;
        } else if (c.type === "select") {
          selection[c.id] = c.selected;
        } else if (c.type === "dimensions" && c.dimensions) {
          dims[c.id] = c.dimensions;
        }
      }
      if (Object.keys(positions).length) dispatch({ type: "moveNodes", positions, transient: dragging.current });
      if (ended) dragging.current = false;
      if (Object.keys(selection).length) dispatch({ type: "changeSelection", nodes: selection });
      if (Object.keys(dims).length) setMeasured((m) => ({ ...m, ...dims }));
    },
    [dispatch],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      const selection: Record<string, boolean> = {};
      for (const c of changes) if (c.type === "select") selection[c.id] = c.selected;
      if (Object.keys(selection).length) dispatch({ type: "changeSelection", edges: selection });
    },
    [dispatch],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const type = e.dataTransfer.getData(DRAG_TYPE);
      if (!type) return;
      e.preventDefault();
      onAddType(type, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [flow, onAddType],
  );

  const onKeyDown = (e: KeyboardEvent): void => {
    const target = e.target as HTMLElement;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const action = shortcutAction(e);
    if (action) {
      e.preventDefault();
      dispatch(action);
    }
  };

  return (
    <div className="h-full w-full" data-testid="canvas" onKeyDown={onKeyDown} onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <ReactFlow<StepNodeType, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={(c: Connection) => dispatch({ type: "connect", from: c.source, to: c.target })}
        onDelete={({ nodes: n, edges: e }) => dispatch({ type: "deleteNodes", ids: n.map((x) => x.id), edges: e.map((x) => x.id) })}
        onPaneClick={() => dispatch({ type: "select" })}
        deleteKeyCode={["Delete", "Backspace"]}
        fitView={fitOnOpen}
        fitViewOptions={FIT_VIEW}
        colorMode={dark ? "dark" : "light"}
        aria-label="Flow canvas"
      >
        <Background />
        <MiniMap pannable zoomable ariaLabel="Mini map" />
        <Controls />
      </ReactFlow>
    </div>
  );
}
