import { describe, expect, it } from "vitest";
import type { ExecutionDetail, ExecutionStatus, NodeResult } from "../api/types";
import { nodeStatuses, pollExecution } from "./status";

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
