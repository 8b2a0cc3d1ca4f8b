import { useState } from "react";
import { useApi } from "../api/ApiProvider";
import type { ExecutionStatus } from "../api/types";
import { routeHash } from "../app/routes";
import { Button, ErrorBanner, PageHeader, Select, StatusBadge, TextInput } from "../components/ui";
import { useAsync } from "../hooks/useAsync";

const STATUSES: ExecutionStatus[] = ["running", "waiting", "succeeded", "failed", "cancelled", "timed_out"];
const PAGE = 25;

/** `datetime-local` input value → ISO 8601 (UTC), or undefined. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Executions with filters (flow, status, start window) and cursor pagination. */
export function ExecutionsView({ flowId }: { flowId?: string | undefined }) {
  const api = useApi();
  const [flow, setFlow] = useState(flowId ?? "");
  const [status, setStatus] = useState<ExecutionStatus | "">("");
  const [after, setAfter] = useState("");
  const [before, setBefore] = useState("");
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const page = useAsync(
    () =>
      api.listExecutions({
        flow_id: flow || undefined,
        status,
        started_after: localToIso(after),
        started_before: localToIso(before),
        limit: PAGE,
        cursor,
      }),
    [api, flow, status, after, before, cursor],
  );
  const reset = (): void => setCursors([undefined]);

  return (
    <div className="p-4">
      <PageHeader title="Executions">
        <Button onClick={page.reload} data-testid="refresh-executions">
          Refresh
        </Button>
      </PageHeader>
      <form className="mb-3 flex flex-wrap items-end gap-3" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="filter-flow" className="block text-xs">Flow id</label>
          <TextInput id="filter-flow" data-testid="filter-flow" className="w-48" value={flow} onChange={(e) => { setFlow(e.target.value); reset(); }} />
        </div>
        <div>
          <label htmlFor="filter-status" className="block text-xs">Status</label>
          <Select id="filter-status" data-testid="filter-status" className="w-36" value={status} onChange={(e) => { setStatus(e.target.value as ExecutionStatus | ""); reset(); }}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="filter-after" className="block text-xs">Started after</label>
          <TextInput id="filter-after" type="datetime-local" value={after} onChange={(e) => { setAfter(e.target.value); reset(); }} />
        </div>
        <div>
          <label htmlFor="filter-before" className="block text-xs">Started before</label>
          <TextInput id="filter-before" type="datetime-local" value={before} onChange={(e) => { setBefore(e.target.value); reset(); }} />
        </div>
      </form>
      <ErrorBanner error={page.error} />
      <table className="w-full text-sm" data-testid="executions-table">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">Execution</th>
            <th>Flow</th>
            <th>Status</th>
            <th>Trigger</th>
            <th>Started</th>
            <th>Duration</th>
          </tr>
        </thead>
        <tbody>
          {page.data?.items.map((x) => (
            <tr key={x.execution_id} className="border-t border-slate-200 dark:border-slate-800" data-testid="execution-row">
              <td className="py-1.5">
                <a className="underline-offset-2 hover:underline" href={routeHash({ name: "execution", executionId: x.execution_id })}>
                  <code className="text-xs">{x.name ?? x.execution_id}</code>
                </a>
              </td>
              <td>
                {x.flow_id} <span className="text-xs text-slate-500">v{x.flow_version}</span>
              </td>
              <td><StatusBadge status={x.status ?? "running"} /></td>
              <td>{x.trigger?.type ?? "manual"}</td>
              <td>{x.start_time ? new Date(x.start_time).toLocaleString() : ""}</td>
              <td>{x.metrics?.duration_ms != null ? `${x.metrics.duration_ms} ms` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data?.items.length === 0 && <p className="mt-4 text-sm text-slate-500">No executions match.</p>}
      <nav aria-label="Pagination" className="mt-3 flex gap-2">
        <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))} data-testid="prev-page">
          Previous
        </Button>
        <Button disabled={!page.data?.next_cursor} onClick={() => setCursors((c) => [...c, page.data?.next_cursor ?? undefined])} data-testid="next-page">
          Next
        </Button>
      </nav>
    </div>
  );
}
