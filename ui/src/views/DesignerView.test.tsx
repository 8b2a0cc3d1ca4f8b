// @vitest-environment jsdom
// The designer wired to a fake API: palette from the catalogue, canvas nodes, inspector, validation errors.
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiClientProvider } from "../api/ApiProvider";
import type { ApiClient } from "../api/client";
import type { FlowDocument, NodeTypeInfo } from "../api/types";
import { DesignerView } from "./DesignerView";

beforeAll(() => {
  // jsdom has no layout: the canvas library needs these to mount.
  globalThis.ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  } as unknown as typeof ResizeObserver;
  (globalThis as { DOMMatrixReadOnly?: unknown }).DOMMatrixReadOnly ??= class {
    m22 = 1;
    constructor(_t?: string) {}
  };
});
afterEach(cleanup);

const info = (type: string, category: NodeTypeInfo["category"], config_schema: object): NodeTypeInfo =>
  ({ type, category, description: `${type} node`, kind: "task", side_effects: false, icon: "globe", errors: [], config_schema, output_schema: { type: "object", properties: { status: { type: "integer" } } } }) as NodeTypeInfo;

const catalogue = [
  info("http_request", "integration", { type: "object", required: ["url"], properties: { url: { type: "string", title: "Url" } } }),
  info("noop", "core", { type: "object", properties: {} }),
];

const flow = {
  id: "demo",
  name: "Demo",
  nodes: [
    { id: "fetch", type: "http_request", config: { url: "https://x" }, position: { x: 0, y: 0 } },
    { id: "done", type: "noop", config: {}, position: { x: 300, y: 0 } },
  ],
  connections: [{ from: "fetch", to: "done" }],
} as unknown as FlowDocument;

function fakeApi(check: ApiClient["checkFlow"], extra: Partial<ApiClient> = {}): ApiClient {
  return {
    ...extra,
    nodeTypes: async () => catalogue,
    listCredentials: async () => ({ items: [] }),
    workspace: async () => ({ workspace: { workspace_id: "local", name: "Local" }, user_id: "u", role: "owner", permissions: [] }),
    getFlow: async () => ({ flow: { flow_id: "demo", name: "Demo", latest_version: 1, published_version: 1 }, version: 1, definition: flow }),
    checkFlow: check,
  } as unknown as ApiClient;
}

const execution = (status: string, nodes: { node_id: string; status: string }[]) => ({
  execution: { execution_id: "e1", flow_id: "demo", flow_version: 1, workspace_id: "local", status },
  nodes: nodes.map((n) => ({ ...n, workspace_id: "local", execution_id: "e1", attempt: 1, input: {}, output: { status: 200 }, duration_ms: 12 })),
  pending_tasks: [],
});

const renderDesigner = (api: ApiClient) =>
  render(
    <ApiClientProvider client={api}>
      <div style={{ width: 1200, height: 800 }}>
        <DesignerView flowId="demo" />
      </div>
    </ApiClientProvider>,
  );

describe("DesignerView", () => {
  it("shows the palette from the catalogue and the flow's nodes", async () => {
    renderDesigner(fakeApi(async () => ({ valid: true, problems: [] })));
    expect(await screen.findByTestId("palette-item-http_request")).toBeTruthy();
    expect(await screen.findByTestId("node-fetch")).toBeTruthy();
    expect(screen.getByTestId("node-done")).toBeTruthy();
  });

  it("adds a node from the palette with the keyboard and makes it undoable", async () => {
    renderDesigner(fakeApi(async () => ({ valid: true, problems: [] })));
    fireEvent.click(await screen.findByTestId("palette-item-noop"));
    expect(await screen.findByTestId("node-noop")).toBeTruthy();
    fireEvent.click(screen.getByTestId("undo"));
    await waitFor(() => expect(screen.queryByTestId("node-noop")).toBeNull());
  });

  it("selecting a node opens its generated config form; an edit marks the flow unsaved", async () => {
    renderDesigner(fakeApi(async () => ({ valid: true, problems: [] })));
    fireEvent.click(await screen.findByTestId("node-fetch"));
    const url = (await screen.findByLabelText(/Url/)) as HTMLInputElement;
    expect(url.value).toBe("https://x");
    fireEvent.change(url, { target: { value: "https://y" } });
    expect(((await screen.findByLabelText(/Url/)) as HTMLInputElement).value).toBe("https://y");
    expect(screen.getByTestId("validation-status").textContent).toContain("Unsaved");
  });

  it("shows compile errors from the API on the offending node", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const check = vi.fn(async () => ({ valid: false, problems: [{ path: "body.nodes[1].config", message: "bad config" }] }));
    renderDesigner(fakeApi(check));
    await screen.findByTestId("node-done");
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    vi.useRealTimers();
    await waitFor(() => expect(screen.getByTestId("node-errors-done").textContent).toContain("bad config"));
    expect(screen.getByTestId("validation-status").textContent).toContain("1 problem");
  });

  it("saves a new version with a comment on top of the loaded version", async () => {
    const saveFlow = vi.fn(async () => ({ flow: { flow_id: "demo", latest_version: 2, published_version: 1 }, version: 2, definition: flow }));
    renderDesigner(fakeApi(async () => ({ valid: true, problems: [] }), { saveFlow } as unknown as Partial<ApiClient>));
    fireEvent.click(await screen.findByTestId("save"));
    fireEvent.change(await screen.findByTestId("save-comment"), { target: { value: "tweak" } });
    fireEvent.click(screen.getByTestId("save-submit"));
    await waitFor(() => expect(saveFlow).toHaveBeenCalledWith(expect.objectContaining({ id: "demo" }), { comment: "tweak", baseVersion: 1 }));
    expect(await screen.findByText("Saved version 2")).toBeTruthy();
  });

  it("runs with a JSON input and shows each node's status on the canvas", async () => {
    const startExecution = vi.fn(async () => execution("running", [{ node_id: "fetch", status: "running" }]));
    const getExecution = vi.fn(async () => execution("failed", [{ node_id: "fetch", status: "failed" }]));
    renderDesigner(fakeApi(async () => ({ valid: true, problems: [] }), { startExecution, getExecution } as unknown as Partial<ApiClient>));
    fireEvent.click(await screen.findByTestId("run"));
    fireEvent.change(await screen.findByTestId("run-input"), { target: { value: '{"a": 1}' } });
    fireEvent.click(screen.getByTestId("run-submit"));
    await waitFor(() => expect(screen.getByTestId("node-fetch").dataset.status).toBe("failed"));
    expect(screen.getByTestId("node-done").dataset.status).toBe("skipped");
    expect(startExecution).toHaveBeenCalledWith("demo", { input: { a: 1 }, mode: "async", timeout_seconds: 30 });
    expect((screen.getByTestId("run-redrive") as HTMLButtonElement).disabled).toBe(false);
  });
});
