import { useState } from "react";
import { useApi } from "../api/ApiProvider";
import { routeHash } from "../app/routes";
import { Button, ErrorBanner, PageHeader, TextInput } from "../components/ui";
import { flowFromFile } from "../designer/fileio";
import { useAsync } from "../hooks/useAsync";
import { navigate } from "../hooks/useHashRoute";

/** Flows of the workspace with search, create and import. */
export function FlowsView() {
  const api = useApi();
  const [q, setQ] = useState("");
  const [cursor, setCursor] = useState<string | undefined>();
  const flows = useAsync(() => api.listFlows({ q, cursor, limit: 50 }), [api, q, cursor]);
  const [error, setError] = useState<unknown>(null);

  const importFile = async (file: File): Promise<void> => {
    setError(null);
    try {
      const parsed = JSON.parse(await file.text()) as unknown;
      flowFromFile(parsed);
      const detail = await api.importFlow(parsed, "error");
      navigate({ name: "designer", flowId: detail.flow.flow_id });
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="p-4">
      <PageHeader title="Flows">
        <label htmlFor="flow-search" className="sr-only">
          Search flows
        </label>
        <TextInput id="flow-search" data-testid="flow-search" className="w-64" placeholder="Search…" value={q} onChange={(e) => { setQ(e.target.value); setCursor(undefined); }} />
        <label className="inline-flex cursor-pointer items-center rounded-md border border-slate-300 px-2.5 py-1.5 text-sm font-medium focus-within:outline-2 dark:border-slate-700">
          Import JSON
          <input type="file" accept=".json,application/json" className="sr-only" data-testid="import-flow" onChange={(e) => { const f = e.target.files?.[0]; if (f) void importFile(f); e.target.value = ""; }} />
        </label>
        <Button variant="primary" data-testid="new-flow" onClick={() => navigate({ name: "newFlow" })}>
          New flow
        </Button>
      </PageHeader>
      <ErrorBanner error={flows.error ?? error} />
      <table className="w-full text-sm" data-testid="flows-table">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">Name</th>
            <th>Id</th>
            <th>Latest</th>
            <th>Published</th>
            <th>Status</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {flows.data?.items.map((f) => (
            <tr key={f.flow_id} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-1.5">
                <a className="font-medium underline-offset-2 hover:underline" href={routeHash({ name: "designer", flowId: f.flow_id })}>
                  {f.name}
                </a>
              </td>
              <td><code className="text-xs">{f.flow_id}</code></td>
              <td>v{f.latest_version}</td>
              <td>{f.published_version ? `v${f.published_version}` : "—"}</td>
              <td>{f.status}</td>
              <td>{f.updated_at ? new Date(f.updated_at).toLocaleString() : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {flows.data?.items.length === 0 && <p className="mt-4 text-sm text-slate-500">No flows yet.</p>}
      {flows.data?.next_cursor && (
        <Button className="mt-3" onClick={() => setCursor(flows.data?.next_cursor ?? undefined)}>
          Next page
        </Button>
      )}
    </div>
  );
}
