import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import type { ReactNode } from "react";
import { useApi } from "../api/ApiProvider";
import { useAuth } from "../auth/AuthProvider";
import { ThemeToggle } from "../components/ThemeToggle";
import { useAsync } from "../hooks/useAsync";
import { type Route, routeHash } from "./routes";

const NAV: { label: string; route: Route; match: Route["name"][] }[] = [
  { label: "Flows", route: { name: "flows" }, match: ["flows", "designer", "newFlow"] },
  { label: "Executions", route: { name: "executions" }, match: ["executions", "execution"] },
  { label: "Agents", route: { name: "agents" }, match: ["agents"] },
  { label: "Credentials", route: { name: "credentials" }, match: ["credentials"] },
  { label: "Schedules", route: { name: "schedules" }, match: ["schedules"] },
  { label: "Webhooks", route: { name: "webhooks" }, match: ["webhooks"] },
];

function WorkspaceSwitcher() {
  const api = useApi();
  const { signOut, mode } = useAuth();
  const { data } = useAsync(() => api.workspace(), [api]);
  const name = data?.workspace.name ?? data?.workspace.workspace_id ?? "Workspace";
  return (
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
          className="z-50 min-w-48 rounded-md border border-slate-200 bg-white p-1 text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          <DropdownMenu.Label className="px-2 py-1 text-xs text-slate-500">
            {data ? `${data.user_id} · ${data.role}` : "…"}
          </DropdownMenu.Label>
          <DropdownMenu.Item className="rounded px-2 py-1 outline-none data-[highlighted]:bg-slate-100 dark:data-[highlighted]:bg-slate-800" disabled>
            ✓ {name}
          </DropdownMenu.Item>
          {mode === "auth0" && (
            <DropdownMenu.Item
              className="rounded px-2 py-1 outline-none data-[highlighted]:bg-slate-100 dark:data-[highlighted]:bg-slate-800"
              onSelect={signOut}
            >
              Switch workspace (sign in again)
            </DropdownMenu.Item>
          )}
          <DropdownMenu.Separator className="my-1 h-px bg-slate-200 dark:bg-slate-700" />
          <DropdownMenu.Item
            data-testid="sign-out"
            className="rounded px-2 py-1 outline-none data-[highlighted]:bg-slate-100 dark:data-[highlighted]:bg-slate-800"
            onSelect={signOut}
          >
            Sign out
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

/** Top bar with navigation, workspace switcher and theme toggle around the page. */
export function Shell({ route, children }: { route: Route; children: ReactNode }) {
  return (
    <div className="flex h-screen min-w-[1024px] flex-col">
      <header className="flex items-center gap-4 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
        <a href="#/flows" className="font-semibold">
          DECA AI Studio
        </a>
        <nav aria-label="Main" className="flex gap-1">
          {NAV.map((item) => {
            const current = item.match.includes(route.name);
            return (
              <a
                key={item.label}
                href={routeHash(item.route)}
                aria-current={current ? "page" : undefined}
                data-testid={`nav-${item.route.name}`}
                className={`rounded-md px-2 py-1 text-sm ${current ? "bg-slate-200 dark:bg-slate-800" : "hover:bg-slate-100 dark:hover:bg-slate-900"}`}
              >
                {item.label}
              </a>
            );
          })}
        </nav>
        <div className="ml-auto flex items-center gap-2">
          <WorkspaceSwitcher />
          <ThemeToggle />
        </div>
      </header>
      <div className="min-h-0 flex-1 overflow-auto">{children}</div>
    </div>
  );
}
