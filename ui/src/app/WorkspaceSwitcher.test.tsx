// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, expect, it } from "vitest";
import { ApiClientProvider } from "../api/ApiProvider";
import type { ApiClient } from "../api/client";
import type { CurrentWorkspace, WorkspaceMembership } from "../api/types";
import { type AuthState, AuthStateProvider } from "../auth/AuthProvider";
import { workspaceEntries, WorkspaceSwitcher } from "./WorkspaceSwitcher";

afterEach(cleanup);

const workspace = (workspace_id: string, name: string) => ({ workspace_id, name }) as WorkspaceMembership["workspace"];
const current = { workspace: workspace("local", "Local studio"), user_id: "ada", role: "owner", permissions: [] } as unknown as CurrentWorkspace;
const memberships: WorkspaceMembership[] = [
  { workspace: workspace("zeta", "Zeta"), role: "viewer", current: false },
  { workspace: workspace("acme", "Acme"), role: "developer", current: false },
  { workspace: workspace("local", "Local studio"), role: "owner", current: true },
];

it("orders the current workspace first, then the others by name", () => {
  expect(workspaceEntries(memberships, current).map((e) => [e.id, e.role, e.current])).toEqual([
    ["local", "owner", true],
    ["acme", "developer", false],
    ["zeta", "viewer", false],
  ]);
});

it("shows the current workspace alone when the memberships are not known", () => {
  expect(workspaceEntries(null, current)).toEqual([{ id: "local", name: "Local studio", role: "owner", current: true }]);
});

function renderSwitcher(mode: AuthState["mode"], switched: unknown[][]) {
  const api = { workspace: async () => current, listWorkspaces: async () => ({ items: memberships, next_cursor: null }) } as unknown as ApiClient;
  const auth: AuthState = {
    mode,
    getToken: async () => "t",
    signOut: () => undefined,
    switchWorkspace: (...args: unknown[]) => void switched.push(args),
  };
  render(
    <AuthStateProvider value={auth}>
      <ApiClientProvider client={api}>
        <WorkspaceSwitcher />
      </ApiClientProvider>
    </AuthStateProvider>,
  );
}

async function openMenu(): Promise<void> {
  const trigger = await screen.findByRole("button", { name: "Workspace Local studio" });
  fireEvent.keyDown(trigger, { key: "Enter" });
  await screen.findByTestId("workspace-acme");
}

it("switches with a token minted for the chosen workspace when signed in locally", async () => {
  const switched: unknown[][] = [];
  renderSwitcher("local", switched);
  await openMenu();
  expect(screen.getByTestId("workspace-local").getAttribute("aria-checked")).toBe("true");
  expect(screen.getByTestId("workspace-zeta").textContent).toContain("viewer");

  fireEvent.click(screen.getByTestId("workspace-acme"));
  expect((await screen.findByText(/deca token --workspace/)).textContent).toContain("deca token --workspace acme");
  fireEvent.change(screen.getByTestId("switch-token"), { target: { value: " jwt-for-acme " } });
  fireEvent.click(screen.getByTestId("switch-submit"));

  await waitFor(() => expect(switched).toEqual([["acme", "jwt-for-acme"]]));
});

it("signs in again for the chosen workspace with Auth0", async () => {
  const switched: unknown[][] = [];
  renderSwitcher("auth0", switched);
  await openMenu();
  fireEvent.click(screen.getByTestId("workspace-zeta"));
  await waitFor(() => expect(switched).toEqual([["zeta"]]));
});
