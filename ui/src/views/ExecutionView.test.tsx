// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, expect, it } from "vitest";
import { ApiClientProvider } from "../api/ApiProvider";
import type { ApiClient } from "../api/client";
import { ExecutionView } from "./ExecutionView";

afterEach(cleanup);

const api = {
  getExecution: async () => ({
    execution: { execution_id: "e1", flow_id: "demo", flow_version: 2, workspace_id: "w", status: "failed", input: { a: 1 } },
    nodes: [
      { node_id: "fetch", status: "succeeded", attempt: 1, output: { status: 200 }, duration_ms: 40, workspace_id: "w", execution_id: "e1" },
      { node_id: "notify", status: "failed", attempt: 1, error: { error: "SlackError" }, duration_ms: 5, workspace_id: "w", execution_id: "e1" },
    ],
    pending_tasks: [],
  }),
  history: async () => ({
    items: [
      { event_id: 1, type: "ExecutionStarted", details: {} },
      { event_id: 2, type: "TaskFailed", details: { name: "notify", error: "SlackError" } },
    ],
  }),
} as unknown as ApiClient;

it("shows node results, the timeline and the recovery buttons of a failed execution", async () => {
  render(
    <ApiClientProvider client={api}>
      <ExecutionView executionId="e1" />
    </ApiClientProvider>,
  );
  expect((await screen.findByLabelText("Error of notify")).textContent).toContain("SlackError");
  fireEvent.click(screen.getByTestId("execution-node-fetch"));
  expect(screen.getByTestId("node-duration").textContent).toBe("40 ms");
  expect((await screen.findByTestId("timeline")).textContent).toContain("TaskFailed");
  expect((screen.getByTestId("run-redrive") as HTMLButtonElement).disabled).toBe(false);
  expect((screen.getByTestId("run-cancel") as HTMLButtonElement).disabled).toBe(true);
});

it("opens a failed execution on the node it failed at, with the execution's error when the node has none", async () => {
  const stopped = {
    ...api,
    getExecution: async () => ({
      execution: {
        execution_id: "e3",
        flow_id: "refund",
        flow_version: 1,
        workspace_id: "w",
        status: "failed",
        error_details: { error: "RefundRejected", cause: "Order A-17 cannot be refunded" },
      },
      nodes: [
        { node_id: "load", status: "succeeded", attempt: 1, ended_at: "2026-01-01T00:00:01Z", workspace_id: "w", execution_id: "e3" },
        { node_id: "reject", status: "failed", attempt: 1, ended_at: "2026-01-01T00:00:02Z", error: null, workspace_id: "w", execution_id: "e3" },
      ],
      pending_tasks: [],
    }),
  } as unknown as ApiClient;
  render(
    <ApiClientProvider client={stopped}>
      <ExecutionView executionId="e3" />
    </ApiClientProvider>,
  );
  expect((await screen.findByLabelText("Error of reject")).textContent).toContain("Order A-17 cannot be refunded");
  expect(screen.getByTestId("execution-node-reject").getAttribute("aria-pressed")).toBe("true");
});

it("approves a task the execution waits for", async () => {
  const approved: unknown[] = [];
  const waiting = {
    ...api,
    getExecution: async () => ({
      execution: { execution_id: "e2", flow_id: "demo", flow_version: 1, workspace_id: "w", status: "waiting" },
      nodes: [],
      pending_tasks: [{ node_id: "review", node_type: "approval", task_token: "t1", execution_id: "e2", config: {} }],
    }),
    approve: async (...args: unknown[]) => {
      approved.push(args);
      return {};
    },
  } as unknown as ApiClient;
  render(
    <ApiClientProvider client={waiting}>
      <ExecutionView executionId="e2" />
    </ApiClientProvider>,
  );
  fireEvent.change(await screen.findByLabelText("Comment"), { target: { value: "ok" } });
  fireEvent.click(screen.getByTestId("task-review-approve"));
  await waitFor(() => expect(approved).toEqual([["e2", "review", { comment: "ok", task_token: "t1" }]]));
});
