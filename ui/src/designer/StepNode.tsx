// One flow node on the canvas: icon, id, type, run status and compile errors; handles in and out.
import { Handle, type Node, type NodeProps, Position } from "@xyflow/react";
import { memo } from "react";
import { NodeIcon } from "../components/NodeIcon";
import type { NodeRunStatus } from "../execution/status";

export interface StepData extends Record<string, unknown> {
  nodeId: string;
  nodeType: string;
  label: string;
  icon: string;
  isTrigger: boolean;
  errors: string[];
  status?: NodeRunStatus | undefined;
  /** The error of this node in the followed execution. */
  runError?: string | undefined;
}

export type StepNodeType = Node<StepData, "step">;

const RING: Record<NodeRunStatus, string> = {
  pending: "ring-slate-300 dark:ring-slate-600",
  running: "ring-sky-500 animate-pulse",
  waiting: "ring-amber-500",
  succeeded: "ring-emerald-500",
  failed: "ring-rose-600",
  skipped: "ring-slate-300 opacity-60 dark:ring-slate-700",
  cancelled: "ring-slate-400",
};

function StepNodeView({ data, selected }: NodeProps<StepNodeType>) {
  const hasErrors = data.errors.length > 0;
  const ring = data.status ? `ring-2 ${RING[data.status]}` : "";
  return (
    <div
      data-testid={`node-${data.nodeId}`}
      data-status={data.status ?? "none"}
      data-errors={data.errors.length}
      aria-label={`${data.label} (${data.nodeType})${data.status ? `, ${data.status}` : ""}${hasErrors ? `, ${data.errors.length} errors` : ""}`}
      className={`w-48 rounded-lg border bg-white px-3 py-2 text-left shadow-sm dark:bg-slate-900 ${ring} ${
        hasErrors ? "border-rose-500" : selected ? "border-sky-500" : "border-slate-300 dark:border-slate-700"
      }`}
    >
      {!data.isTrigger && <Handle type="target" position={Position.Left} aria-label={`Into ${data.nodeId}`} />}
      <div className="flex items-center gap-2">
        <NodeIcon name={data.icon} className="h-4 w-4 shrink-0 text-sky-600" />
        <div className="min-w-0">
          <div className="truncate text-sm font-medium">{data.label}</div>
          <div className="truncate text-xs text-slate-500">{data.nodeType}</div>
        </div>
      </div>
      {data.status && (
        <div className="mt-1 text-[10px] uppercase tracking-wide text-slate-500" data-testid={`node-status-${data.nodeId}`}>
          {data.status}
        </div>
      )}
      {data.runError && (
        <p className="mt-1 line-clamp-2 text-xs text-rose-700 dark:text-rose-300" title={data.runError} data-testid={`node-run-error-${data.nodeId}`}>
          {data.runError}
        </p>
      )}
      {hasErrors && (
        <p className="mt-1 truncate text-xs text-rose-600" title={data.errors.join("\n")} data-testid={`node-errors-${data.nodeId}`}>
          ⚠ {data.errors[0]}
          {data.errors.length > 1 && ` (+${data.errors.length - 1})`}
        </p>
      )}
      <Handle type="source" position={Position.Right} aria-label={`Out of ${data.nodeId}`} />
    </div>
  );
}

export const StepNode = memo(StepNodeView);
