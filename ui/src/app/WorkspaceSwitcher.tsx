// The workspace switcher: the caller's workspaces (GET /workspaces), the current one ticked; choosing another
// gets a token for it (Auth0 signs in again; locally, a token from `deca token --workspace <id>`).
import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import { useState } from "react";
import { useApi } from "../api/ApiProvider";
import type { CurrentWorkspace, WorkspaceMembership } from "../api/types";
import { useAuth } from "../auth/AuthProvider";
import { Modal } from "../components/Modal";
import { Button, FieldRow, TextInput } from "../components/ui";
import { useAsync } from "../hooks/useAsync";
import { navigate } from "../hooks/useHashRoute";

export interface WorkspaceEntry {
  id: string;
  name: string;
  role: string;
  current: boolean;
}

/** The switcher's entries: the memberships (else just the current workspace), current first, then by name. */
export function workspaceEntries(memberships: WorkspaceMembership[] | null, current: CurrentWorkspace | null): WorkspaceEntry[] {
  const entries: WorkspaceEntry[] = (memberships ?? []).map((m) => ({
    id: m.workspace.workspace_id,
    name: m.workspace.name || m.workspace.workspace_id,
    role: m.role,
    current: m.current,
  }));
  if (current && !entries.some((e) => e.id === current.workspace.workspace_id)) {
    const { workspace } = current;
    entries.push({ id: workspace.workspace_id, name: workspace.name || workspace.workspace_id, role: current.role, current: true });
  }
  return entries.sort((a, b) => Number(b.current) - Number(a.current) || a.name.localeCompare(b.name));
}

const ITEM = "rounded px-2 py-1 outline-none data-[highlighted]:bg-slate-100 dark:data-[highlighted]:bg-slate-800";

/** Asks for a token of the chosen workspace (local sign-in). */
function LocalSwitchDialog({ target, onClose, onToken }: { target: WorkspaceEntry | null; onClose: () => void; onToken: (token: string) => void }) {
  const [token, setToken] = useState("");
  return (
    <Modal open={target !== null} onOpenChange={(open) => !open && onClose()} title={`Switch to ${target?.name ?? ""}`}>
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!token.trim()) return;
          onToken(token.trim());
          setToken("");
        }}
      >
        <p className="text-sm">
          Run <code>deca token --workspace {target?.id}</code> and paste the token it prints.
        </p>
        <FieldRow id="switch-token" label="Token">
          <TextInput id="switch-token" data-testid="switch-token" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} />
        </FieldRow>
        <Button type="submit" variant="primary" data-testid="switch-submit">
          Switch
        </Button>
      </form>
    </Modal>
  );
}

export function WorkspaceSwitcher() {
  const api = useApi();
  const { signOut, mode, switchWorkspace } = useAuth();
  const current = useAsync(() => api.workspace(), [api]);
  const memberships = useAsync(() => api.listWorkspaces(), [api]);
  const [target, setTarget] = useState<WorkspaceEntry | null>(null);
  const entries = workspaceEntries(memberships.data?.items ?? null, current.data ?? null);
  const here = entries.find((e) => e.current);
  const name = here?.name ?? "Workspace";
  const choose = (entry: WorkspaceEntry): void => {
    if (entry.current) return;
    if (mode === "auth0") switchWorkspace(entry.id);
    else setTarget(entry);
  };
  return (
    <>
      <DropdownMenu.Root>
        <DropdownMenu.Trigger
          data-testid="workspace-switcher"
          className="rounded-md border border-slate-300 px-2 py-1 text-sm dark:border-slate-700"
          aria-label={`Workspace ${name}`}
        >
          {name} <span aria-hidden="true">▾</span>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            align="end"
            sideOffset={4}
            className="z-50 min-w-56 rounded-md border border-slate-200 bg-white p-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
          >
            <DropdownMenu.Label className="px-2 py-1 text-xs text-slate-500">
              {current.data ? `${current.data.user_id} · ${current.data.role}` : "…"}
            </DropdownMenu.Label>
            <DropdownMenu.RadioGroup value={here?.id ?? ""} aria-label="Workspaces">
              {entries.map((e) => (
                <DropdownMenu.RadioItem
                  key={e.id}
                  value={e.id}
                  data-testid={`workspace-${e.id}`}
                  className={`${ITEM} flex items-center justify-between gap-3`}
                  onSelect={() => choose(e)}
                >
                  <span>
                    <span aria-hidden="true" className="inline-block w-4">{e.current ? "✓" : ""}</span>
                    {e.name}
                  </span>
                  <span className="text-xs text-slate-500">{e.role}</span>
                </DropdownMenu.RadioItem>
              ))}
            </DropdownMenu.RadioGroup>
            <DropdownMenu.Separator className="my-1 h-px bg-slate-200 dark:bg-slate-700" />
            <DropdownMenu.Item data-testid="sign-out" className={ITEM} onSelect={signOut}>
              Sign out
            </DropdownMenu.Item>
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      <LocalSwitchDialog
        target={target}
        onClose={() => setTarget(null)}
        onToken={(token) => {
          if (target) switchWorkspace(target.id, token);
          setTarget(null);
          navigate({ name: "flows" });
        }}
      />
    </>
  );
}
