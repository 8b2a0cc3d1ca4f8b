// Agents: the workspace's saved agents (the agents resource) and the pre-built ones an agent node can name.
import { useState } from "react";
import { useApi } from "../api/ApiProvider";
import type { Agent, AgentDefinition } from "../api/types";
import { Button, ErrorBanner, PageHeader, StatusBadge } from "../components/ui";
import { useAsync } from "../hooks/useAsync";

/** "provider · model" of a saved or pre-built agent (pure). */
export function modelLabel(provider: string | null | undefined, model: string): string {
  return provider ? `${provider} · ${model}` : model;
}

function SavedAgents() {
  const api = useApi();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useAsync(() => api.listAgents({ limit: 50, cursor }), [api, cursor]);
  const rows: Agent[] = page.data?.items ?? [];
  return (
    <section aria-labelledby="saved-agents">
      <h2 id="saved-agents" className="mb-2 text-sm font-semibold">Saved agents</h2>
      <ErrorBanner error={page.error} />
      <table className="w-full text-sm" data-testid="agents-table">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">Agent</th>
            <th>Id</th>
            <th>Type</th>
            <th>Model</th>
            <th>Tools</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.agent_id} className="border-t border-slate-200 align-top dark:border-slate-800" data-testid="agent-row">
              <td className="py-1.5">
                <div className="font-medium">{a.name}</div>
                {a.description && <div className="text-xs text-slate-500">{a.description}</div>}
              </td>
              <td><code className="text-xs">{a.agent_id}</code></td>
              <td>{a.type}</td>
              <td>{modelLabel(a.model_config.provider, a.model_config.model)}</td>
              <td>{a.tools?.length ?? 0}</td>
              <td><StatusBadge status={a.status ?? "active"} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data?.items.length === 0 && cursors.length === 1 && (
        <p className="mt-4 text-sm text-slate-500">No saved agent yet: save one with <code>POST /agents</code>, or name a pre-built one in an agent node.</p>
      )}
      {page.loading && <p className="mt-4 text-sm">Loading…</p>}
      <nav aria-label="Pagination" className="mt-3 flex gap-2">
        <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))} data-testid="agents-prev-page">
          Previous
        </Button>
        <Button disabled={!page.data?.next_cursor} onClick={() => setCursors((c) => [...c, page.data?.next_cursor ?? undefined])} data-testid="agents-next-page">
          Next
        </Button>
      </nav>
    </section>
  );
}

function PrebuiltAgents() {
  const api = useApi();
  const templates = useAsync(() => api.agentTemplates(), [api]);
  const rows: AgentDefinition[] = templates.data ?? [];
  return (
    <section aria-labelledby="prebuilt-agents" className="mt-8">
      <h2 id="prebuilt-agents" className="mb-2 text-sm font-semibold">Pre-built agents</h2>
      <ErrorBanner error={templates.error} />
      <table className="w-full text-sm" data-testid="agent-templates-table">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">Id</th>
            <th>Description</th>
            <th>Model</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={t.agent_id ?? t.name ?? t.model} className="border-t border-slate-200 align-top dark:border-slate-800">
              <td className="py-1.5"><code className="text-xs">{t.agent_id ?? t.name}</code></td>
              <td>{t.description}</td>
              <td>{modelLabel(t.provider, t.model)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function AgentsView() {
  return (
    <div className="p-4">
      <PageHeader title="Agents" />
      <SavedAgents />
      <PrebuiltAgents />
    </div>
  );
}
