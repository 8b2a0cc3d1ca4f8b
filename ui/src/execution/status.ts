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

const FAILED: ReadonlySet<string> = new Set(["failed", "timed_out"]);

/** The node a failed (or timed-out) execution stopped at: its last failed node, else null. */
export function failedNodeId(detail: ExecutionDetail): string | null {
  if (!FAILED.has(detail.execution.status ?? "")) return null;
  let failed: NodeResult | null = null;
  for (const r of latestResults(detail.nodes).values()) {
    if (FAILED.has(r.status) && (!failed || (r.ended_at ?? "") >= (failed.ended_at ?? ""))) failed = r;
  }
  return failed?.node_id ?? null;
}

/**
 * The latest result of a node with its error: its own, else, for the node the execution failed at, the
 * execution's error (a Fail state such as `stop_and_error`, or a template that failed to evaluate, records
 * no error of its own).
 */
export function nodeResultWithError(detail: ExecutionDetail, nodeId: string): NodeResult | undefined {
  const result = latestResults(detail.nodes).get(nodeId);
  if (!result || result.error || !detail.execution.error_details || failedNodeId(detail) !== nodeId) return result;
  return { ...result, error: detail.execution.error_details };
}

/** One line for an error record: `Name: message` (a Lambda error's `errorMessage` when the cause is one). */
export function errorSummary(error: Record<string, unknown>): string {
  const name = typeof error.error === "string" ? error.error : "Error";
  const cause = error.cause;
  const message =
    typeof cause === "string"
      ? cause
      : cause && typeof cause === "object" && typeof (cause as Record<string, unknown>).errorMessage === "string"
        ? ((cause as Record<string, unknown>).errorMessage as string)
        : "";
  return message ? `${name}: ${message}` : name;
}

/** The one-line error of every node that has one in this execution (see `nodeResultWithError`). */
export function nodeErrors(detail: ExecutionDetail): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const id of latestResults(detail.nodes).keys()) {
    const error = nodeResultWithError(detail, id)?.error;
    if (error) errors[id] = errorSummary(error);
  }
  return errors;
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
