import type { ReactNode } from "react";
import { ThemeToggle } from "../components/ThemeToggle";
import { type Route, routeHash } from "./routes";
import { WorkspaceSwitcher } from "./WorkspaceSwitcher";

const NAV: { label: string; route: Route; match: Route["name"][] }[] = [
  { label: "Flows", route: { name: "flows" }, match: ["flows", "designer", "newFlow"] },
  { label: "Executions", route: { name: "executions" }, match: ["executions", "execution"] },
  { label: "Agents", route: { name: "agents" }, match: ["agents"] },
  { label: "Credentials", route: { name: "credentials" }, match: ["credentials"] },
  { label: "Schedules", route: { name: "schedules" }, match: ["schedules"] },
  { label: "Webhooks", route: { name: "webhooks" }, match: ["webhooks"] },
];

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
