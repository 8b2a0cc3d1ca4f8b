// One execution: live node statuses, node input/output/error, the history timeline, re-run/cancel/redrive.
import { useEffect, useMemo, useState } from "react";
import { useApi } from "../api/ApiProvider";
import { routeHash } from "../app/routes";
import { ErrorBanner, JsonBlock, PageHeader, StatusBadge } from "../components/ui";
import { NodeResultView } from "../execution/NodeResultView";
import { PendingTasks } from "../execution/PendingTasks";
import { RunBar } from "../execution/RunBar";
import { failedNodeId, latestResults, nodeResultWithError } from "../execution/status";
import { useExecutionRun } from "../execution/useExecutionRun";
import { useAsync } from "../hooks/useAsync";
import { navigate } from "../hooks/useHashRoute";

export function ExecutionView({ executionId }: { executionId: string }) {
  const api = useApi();
  const run = useExecutionRun();
  const { follow } = run;
  useEffect(() => follow(executionId), [executionId, follow]);
  const detail = run.detail;
  const followed = detail?.execution.execution_id;
  // A re-run is a new execution: show it at its own address.
  useEffect(() => {
    if (followed && followed !== executionId) navigate({ name: "execution", executionId: followed });
  }, [followed, executionId]);
  const status = detail?.execution.status;
  const history = useAsync(() => api.history(executionId), [api, executionId, status, detail?.nodes.length]);
  const results = useMemo(() => (detail ? [...latestResults(detail.nodes).values()] : []), [detail]);
  const [selected, setSelected] = useState<string | null>(null);
  // A failed execution opens on the node it failed at.
  const chosen = selected ?? (detail ? failedNodeId(detail) : null) ?? results[0]?.node_id ?? null;

  return (
    <div className="flex h-full flex-col">
      <RunBar run={run} closable={false} />
      <div className="min-h-0 flex-1 overflow-auto p-4">
        <PageHeader title={`Execution ${detail?.execution.name ?? executionId}`}>
          {detail && (
            <a className="text-sm underline" href={routeHash({ name: "designer", flowId: detail.execution.flow_id })}>
              {detail.execution.flow_id} v{detail.execution.flow_version}
            </a>
          )}
        </PageHeader>
        {!detail && !run.error && <p className="text-sm">Loading…</p>}
        {detail && <PendingTasks detail={detail} onDone={() => follow(executionId)} />}
        {detail && (
          <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
            <section aria-labelledby="nodes-heading">
              <h2 id="nodes-heading" className="mb-2 text-sm font-semibold">Nodes</h2>
              <ul className="space-y-1" data-testid="execution-nodes">
                {results.map((r) => (
                  <li key={r.node_id}>
                    <button
                      type="button"
                      aria-pressed={chosen === r.node_id}
                      data-testid={`execution-node-${r.node_id}`}
                      onClick={() => setSelected(r.node_id)}
                      className={`flex w-full items-center justify-between rounded-md px-2 py-1 text-left text-sm ${chosen === r.node_id ? "bg-slate-200 dark:bg-slate-800" : "hover:bg-slate-100 dark:hover:bg-slate-900"}`}
                    >
                      <code>{r.node_id}</code>
                      <StatusBadge status={r.status} />
                    </button>
                  </li>
                ))}
                {detail.pending_tasks.map((t) => (
                  <li key={`task-${t.node_id}`} className="px-2 text-sm">
                    <code>{t.node_id}</code> <StatusBadge status="waiting" />
                  </li>
                ))}
              </ul>
              <h2 className="mb-1 mt-4 text-sm font-semibold">Input</h2>
              <JsonBlock label="Execution input" value={detail.execution.input} />
              <h2 className="mb-1 mt-4 text-sm font-semibold">Output</h2>
              <JsonBlock label="Execution output" value={detail.execution.output} />
              {detail.execution.error_details && (
                <>
                  <h2 className="mb-1 mt-4 text-sm font-semibold text-rose-600">Error</h2>
                  <JsonBlock label="Execution error" value={detail.execution.error_details} />
                </>
              )}
            </section>
            <section aria-labelledby="node-heading">
              <h2 id="node-heading" className="mb-2 text-sm font-semibold">Node</h2>
              {chosen ? <NodeResultView nodeId={chosen} result={nodeResultWithError(detail, chosen)} /> : <p className="text-sm text-slate-500">No node has run yet.</p>}
            </section>
            <section aria-labelledby="timeline-heading">
              <h2 id="timeline-heading" className="mb-2 text-sm font-semibold">Timeline <StatusBadge status={status ?? "running"} /></h2>
              <ErrorBanner error={history.error} />
              <ol className="space-y-1 border-l border-slate-300 pl-3 text-xs dark:border-slate-700" data-testid="timeline">
                {history.data?.items.map((ev) => (
                  <li key={ev.event_id}>
                    <span className="text-slate-500">{ev.timestamp ? new Date(ev.timestamp).toLocaleTimeString() : ""}</span>{" "}
                    <span className="font-medium">{ev.type}</span>
                    {typeof ev.details?.name === "string" && <code className="ml-1">{ev.details.name}</code>}
                    {typeof ev.details?.error === "string" && <span className="ml-1 text-rose-600">{ev.details.error}</span>}
                    {ev.details && Object.keys(ev.details).length > 0 && (
                      <details>
                        <summary className="cursor-pointer text-slate-500">details</summary>
                        <JsonBlock label={`Details of event ${ev.event_id}`} value={ev.details} />
                      </details>
                    )}
                  </li>
                ))}
              </ol>
            </section>
          </div>
        )}
      </div>
    </div>
  );
}
