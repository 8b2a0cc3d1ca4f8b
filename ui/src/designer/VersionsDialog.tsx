// Version history of a flow with a structured diff between two versions.
import { useState } from "react";
import { useApi } from "../api/ApiProvider";
import type { FlowDiff, FlowDocument } from "../api/types";
import { Modal } from "../components/Modal";
import { Button, ErrorBanner, Select } from "../components/ui";
import { DiffView } from "./DiffView";
import { useAsync } from "../hooks/useAsync";

export function VersionsDialog({
  flowId,
  open,
  onOpenChange,
  onOpenVersion,
}: {
  flowId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onOpenVersion: (doc: FlowDocument, version: number) => void;
}) {
  const api = useApi();
  const versions = useAsync(() => (open ? api.listVersions(flowId) : Promise.resolve(null)), [api, flowId, open]);
  const items = versions.data?.items ?? [];
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [diff, setDiff] = useState<FlowDiff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const latest = items[0]?.version;
  const a = from ?? items[1]?.version ?? latest;
  const b = to ?? latest;

  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Versions" wide>
      <ErrorBanner error={versions.error ?? error} />
      <table className="w-full text-sm" data-testid="versions-table">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">Version</th>
            <th>Saved</th>
            <th>By</th>
            <th>Comment</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((v) => (
            <tr key={v.version} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-1">v{v.version}</td>
              <td>{v.created_at ? new Date(v.created_at).toLocaleString() : ""}</td>
              <td>{v.created_by ?? ""}</td>
              <td>{v.comment ?? ""}</td>
              <td className="text-right">
                <Button
                  onClick={() => {
                    onOpenVersion(v.definition as unknown as FlowDocument, v.version);
                    onOpenChange(false);
                  }}
                >
                  Open
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length > 1 && a !== undefined && b !== undefined && (
        <div className="mt-4 space-y-2">
          <div className="flex items-center gap-2 text-sm">
            <label htmlFor="diff-from">Diff</label>
            <Select id="diff-from" className="w-24" value={a} onChange={(e) => setFrom(Number(e.target.value))}>
              {items.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </Select>
            <label htmlFor="diff-to">to</label>
            <Select id="diff-to" className="w-24" value={b} onChange={(e) => setTo(Number(e.target.value))}>
              {items.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </Select>
            <Button
              data-testid="show-diff"
              onClick={() => {
                setError(null);
                api.diff(flowId, a, b).then(setDiff, setError);
              }}
            >
              Show diff
            </Button>
          </div>
          {diff && <DiffView diff={diff} />}
        </div>
      )}
    </Modal>
  );
}
