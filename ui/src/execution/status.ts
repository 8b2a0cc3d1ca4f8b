// Live per-node status of an execution (pure) and a poller with an injectable sleep.
import type { ExecutionDetail, ExecutionStatus, NodeResult } from "../api/types";

export type NodeRunStatus = "pending" | "running" | "waiting" | "succeeded" | "failed" | "skipped" | "cancelled";

const TERMINAL: ReadonlySet<ExecutionStatus> = new Set(["succeeded", "failed", "cancelled", "timed_out"]);

/** True once an execution cannot change any more (until a redrive). */
export function isTerminal(status: ExecutionStatus | undefined): boolean {
  return status !== undefined && TERMINAL.has(status);
}

/** The latest attempt of each node. */
export function latestResults(nodes: NodeResult[]): Map<string, NodeResult> {
  const latest = new Map<string, NodeResult>();
  for (const r of nodes) {
    const seen = latest.get(r.node_id);
    if (!seen || (r.attempt ?? 0) >= (seen.attempt ?? 0)) latest.set(r.node_id, r);
  }
  return latest;
}

/** Status of every flow node: its latest result, waiting for a person, else pending (running) or skipped (ended). */
export function nodeStatuses(nodeIds: string[], detail: ExecutionDetail): Record<string, NodeRunStatus> {
  const latest = latestResults(detail.nodes);
  const waiting = new Set(detail.pending_tasks.map((t) => t.node_id));
  const ended = isTerminal(detail.execution.status);
  const statuses: Record<string, NodeRunStatus> = {};
  for (const id of nodeIds) {
    const result = latest.get(id);
    if (waiting.has(id)) statuses[id] = "waiting";
    else if (result) statuses[id] = result.status === "timed_out" ? "failed" : (result.status as NodeRunStatus);
    else statuses[id] = ended ? "skipped" : "pending";
  }
  return statuses;
}

export interface PollOptions {
  intervalMs?: number;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onUpdate: (detail: ExecutionDetail) => void;
}

/** Sleep that resolves early when aborted. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Fetch the execution until it ends (or the signal aborts), reporting every snapshot; returns the last one. */
export async function pollExecution(
  fetchDetail: () => Promise<ExecutionDetail>,
  options: PollOptions,
): Promise<ExecutionDetail | null> {
  const { intervalMs = 1000, signal, sleep = abortableSleep, onUpdate } = options;
  let last: ExecutionDetail | null = null;
  while (!signal?.aborted) {
    last = await fetchDetail();
    if (signal?.aborted) break;
    onUpdate(last);
    if (isTerminal(last.execution.status)) break;
    await sleep(intervalMs, signal);
  }
  return last;
}
