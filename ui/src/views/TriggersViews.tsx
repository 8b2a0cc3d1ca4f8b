// Schedules and webhooks of the published flows.
import { useState } from "react";
import { useApi } from "../api/ApiProvider";
import { routeHash } from "../app/routes";
import { Button, ErrorBanner, PageHeader } from "../components/ui";
import { useAsync } from "../hooks/useAsync";

export function SchedulesView() {
  const api = useApi();
  const list = useAsync(() => api.listSchedules(), [api]);
  return (
    <div className="p-4">
      <PageHeader title="Schedules" />
      <ErrorBanner error={list.error} />
      <table className="w-full text-sm" data-testid="schedules-table">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">Flow</th>
            <th>Cron</th>
            <th>When</th>
            <th>Time zone</th>
            <th>Next runs</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((s) => (
            <tr key={`${s.flow_id}:${s.trigger_index}`} className="border-t border-slate-200 align-top dark:border-slate-800">
              <td className="py-1.5"><a className="hover:underline" href={routeHash({ name: "designer", flowId: s.flow_id })}>{s.flow_id}</a></td>
              <td><code className="text-xs">{s.cron}</code></td>
              <td>{s.summary?.description ?? s.problem ?? ""}</td>
              <td>{s.timezone}</td>
              <td className="text-xs">{s.summary?.next_runs.slice(0, 3).map((r) => new Date(r).toLocaleString()).join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.items.length === 0 && <p className="mt-4 text-sm text-slate-500">No published flow has a schedule.</p>}
    </div>
  );
}

function CopyUrl({ url }: { url: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button aria-label={`Copy ${url}`} onClick={() => void navigator.clipboard?.writeText(url).then(() => setCopied(true))}>
      {copied ? "Copied" : "Copy"}
    </Button>
  );
}

export function WebhooksView() {
  const api = useApi();
  const list = useAsync(() => api.listWebhooks(), [api]);
  return (
    <div className="p-4">
      <PageHeader title="Webhooks" />
      <ErrorBanner error={list.error} />
      <table className="w-full text-sm" data-testid="webhooks-table">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">Flow</th>
            <th>Methods</th>
            <th>URL</th>
            <th>Signature</th>
            <th>Response</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((w) => (
            <tr key={`${w.flow_id}:${w.trigger_index}`} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-1.5"><a className="hover:underline" href={routeHash({ name: "designer", flowId: w.flow_id })}>{w.flow_id}</a></td>
              <td>{w.methods.join(", ")}</td>
              <td className="flex items-center gap-2"><code className="truncate text-xs">{w.url}</code><CopyUrl url={w.url} /></td>
              <td>{w.signature}</td>
              <td>{w.response_mode}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.items.length === 0 && <p className="mt-4 text-sm text-slate-500">No published flow has a webhook.</p>}
    </div>
  );
}
