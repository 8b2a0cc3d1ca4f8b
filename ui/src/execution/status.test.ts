import { describe, expect, it } from "vitest";
import type { ExecutionDetail, ExecutionStatus, NodeResult } from "../api/types";
import { errorSummary, failedNodeId, nodeErrors, nodeResultWithError, nodeStatuses, pollExecution } from "./status";

const result = (node_id: string, status: NodeResult["status"], attempt = 1): NodeResult =>
  ({ workspace_id: "w", execution_id: "e", node_id, status, attempt }) as NodeResult;

const detail = (status: ExecutionStatus, nodes: NodeResult[], waiting: string[] = []): ExecutionDetail =>
  ({
    execution: { workspace_id: "w", execution_id: "e", flow_id: "f", flow_version: 1, status },
    nodes,
    pending_tasks: waiting.map((node_id) => ({ node_id })),
  }) as unknown as ExecutionDetail;

describe("nodeStatuses", () => {
  it("marks nodes without results pending while running", () => {
    expect(nodeStatuses(["a", "b"], detail("running", [result("a", "running")]))).toEqual({ a: "running", b: "pending" });
  });

  it("marks nodes that never ran skipped once the execution ended", () => {
    expect(nodeStatuses(["a", "b"], detail("succeeded", [result("a", "succeeded")]))).toEqual({
      a: "succeeded",
      b: "skipped",
    });
  });

  it("uses the latest attempt", () => {
    const d = detail("running", [result("a", "succeeded", 2), result("a", "failed", 1)]);
    expect(nodeStatuses(["a"], d).a).toBe("succeeded");
  });

  it("shows a node waiting for a person", () => {
    expect(nodeStatuses(["a"], detail("waiting", [], ["a"])).a).toBe("waiting");
  });
});

describe("pollExecution", () => {
  it("polls until the execution ends and reports each snapshot", async () => {
    const snapshots = [detail("running", []), detail("running", [result("a", "running")]), detail("failed", [])];
    const seen: string[] = [];
    const sleeps: number[] = [];
    let calls = 0;
    const last = await pollExecution(async () => snapshots[calls++]!, {
      intervalMs: 250,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onUpdate: (d) => seen.push(d.execution.status ?? ""),
    });
    expect(seen).toEqual(["running", "running", "failed"]);
    expect(sleeps).toEqual([250, 250]);
    expect(last?.execution.status).toBe("failed");
  });

  it("stops when aborted", async () => {
    const controller = new AbortController();
    let calls = 0;
    await pollExecution(async () => detail("running", []), {
      signal: controller.signal,
      sleep: async () => {
        calls += 1;
        if (calls === 2) controller.abort();
      },
      onUpdate: () => undefined,
    });
    expect(calls).toBe(2);
  });
});

describe("the error of the node an execution failed at", () => {
  const at = (r: NodeResult, ended_at: string, error: Record<string, unknown> | null = null): NodeResult => ({ ...r, ended_at, error });
  const failed = (nodes: NodeResult[], error_details: Record<string, unknown> | null): ExecutionDetail => {
    const d = detail("failed", nodes);
    return { ...d, execution: { ...d.execution, error_details } };
  };
  const rejected = { error: "RefundRejected", cause: "Order A-17 cannot be refunded" };

  it("is the last failed node of a failed execution", () => {
    const d = failed(
      [at(result("load", "succeeded"), "2026-01-01T00:00:01Z"), at(result("call", "failed"), "2026-01-01T00:00:03Z"), at(result("other", "failed"), "2026-01-01T00:00:02Z")],
      null,
    );
    expect(failedNodeId(d)).toBe("call");
    expect(failedNodeId(detail("succeeded", [result("a", "failed")]))).toBeNull();
  });

  it("takes the execution's error when the node records none (a Fail state)", () => {
    const d = failed([at(result("load", "succeeded"), "t1"), at(result("reject", "failed"), "t2")], rejected);
    expect(nodeResultWithError(d, "reject")?.error).toEqual(rejected);
    expect(nodeResultWithError(d, "load")?.error).toBeNull();
    expect(nodeErrors(d)).toEqual({ reject: "RefundRejected: Order A-17 cannot be refunded" });
  });

  it("keeps a node's own error", () => {
    const own = { error: "SlackError", cause: { errorMessage: "channel_not_found", stackTrace: ["..."] } };
    const d = failed([at(result("notify", "failed"), "t1", own)], rejected);
    expect(nodeResultWithError(d, "notify")?.error).toEqual(own);
    expect(nodeErrors(d)).toEqual({ notify: "SlackError: channel_not_found" });
  });
});

it("summarises error records on one line", () => {
  expect(errorSummary({ error: "Timeout" })).toBe("Timeout");
  expect(errorSummary({ cause: "boom" })).toBe("Error: boom");
});
