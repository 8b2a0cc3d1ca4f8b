// @vitest-environment jsdom
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, expect, it } from "vitest";
import { ApiClientProvider } from "../api/ApiProvider";
import type { ApiClient } from "../api/client";
import { AgentsView, modelLabel } from "./AgentsView";

afterEach(cleanup);

it("lists the saved agents and the pre-built ones", async () => {
  const asked: unknown[] = [];
  const api = {
    listAgents: async (query: unknown) => {
      asked.push(query);
      return {
        items: [
          {
            workspace_id: "w",
            agent_id: "triage",
            name: "Ticket triage",
            type: "classifier",
            description: "Routes tickets",
            model_config: { provider: "openai", model: "gpt-4o-mini" },
            tools: [{ type: "function", name: "lookup" }],
            status: "inactive",
          },
        ],
        next_cursor: null,
      };
    },
    agentTemplates: async () => [{ agent_id: "persona-generator", description: "Writes personas", provider: "anthropic", model: "claude-sonnet-4-5" }],
  } as unknown as ApiClient;

  render(
    <ApiClientProvider client={api}>
      <AgentsView />
    </ApiClientProvider>,
  );

  const row = await screen.findByTestId("agent-row");
  expect(within(row).getByText("Ticket triage")).toBeTruthy();
  expect(within(row).getByText("openai · gpt-4o-mini")).toBeTruthy();
  expect(within(row).getByTestId("status-badge").getAttribute("data-status")).toBe("inactive");
  expect(row.textContent).toContain("classifier");
  const templates = screen.getByTestId("agent-templates-table");
  expect((await within(templates).findByText("persona-generator")).tagName).toBe("CODE");
  expect(within(templates).getByText("anthropic · claude-sonnet-4-5")).toBeTruthy();
  expect(asked).toEqual([{ limit: 50, cursor: undefined }]);
  expect((screen.getByTestId("agents-next-page") as HTMLButtonElement).disabled).toBe(true);
});

it("labels a model without a provider by its name", () => {
  expect(modelLabel(null, "gpt-4o")).toBe("gpt-4o");
});
