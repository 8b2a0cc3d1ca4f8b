// Agents: the agent nodes of the workspace's flows (the API has no separate agents resource yet).
import { useApi } from "../api/ApiProvider";
import type { FlowDocument } from "../api/types";
import { routeHash } from "../app/routes";
import { ErrorBanner, PageHeader } from "../components/ui";
import { useAsync } from "../hooks/useAsync";

interface AgentRow {
  flowId: string;
  nodeId: string;
  model: string;
  tools: number;
}

/** Agent nodes of a flow document (pure). */
export function agentRows(doc: FlowDocument): AgentRow[] {
  return doc.nodes
    .filter((n) => n.type === "agent")
    .map((n) => {
      const config = (n as { config?: Record<string, unknown> }).config ?? {};
      return {
        flowId: doc.id,
        nodeId: n.id,
        model: typeof config.model === "string" ? config.model : "",
        tools: Array.isArray(config.tools) ? config.tools.length : 0,
      };
    });
}

export function AgentsView() {
  const api = useApi();
  const rows = useAsync(async () => {
    const flows = await api.listFlows({ limit: 100 });
    const details = await Promise.all(flows.items.map((f) => api.getFlow(f.flow_id)));
    return details.flatMap((d) => agentRows(d.definition as unknown as FlowDocument));
  }, [api]);
  return (
    <div className="p-4">
      <PageHeader title="Agents" />
      <ErrorBanner error={rows.error} />
      <table className="w-full text-sm" data-testid="agents-table">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">Agent node</th>
            <th>Flow</th>
            <th>Model</th>
            <th>Tools</th>
          </tr>
        </thead>
        <tbody>
          {rows.data?.map((r) => (
            <tr key={`${r.flowId}:${r.nodeId}`} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-1.5"><code>{r.nodeId}</code></td>
              <td><a className="hover:underline" href={routeHash({ name: "designer", flowId: r.flowId })}>{r.flowId}</a></td>
              <td>{r.model}</td>
              <td>{r.tools}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.data?.length === 0 && <p className="mt-4 text-sm text-slate-500">No flow has an agent node yet.</p>}
      {rows.loading && <p className="mt-4 text-sm">Loading…</p>}
    </div>
  );
}
