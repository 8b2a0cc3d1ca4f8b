import type { NodeResult } from "../api/types";
import { JsonBlock, StatusBadge } from "../components/ui";

/** Input, output, error and duration of one node in an execution. */
export function NodeResultView({ nodeId, result }: { nodeId: string; result: NodeResult | undefined }) {
  if (!result) return <p className="text-xs text-slate-500">{nodeId} has not run in this execution.</p>;
  return (
    <div className="space-y-2 text-sm" data-testid="node-result">
      <div className="flex items-center gap-2">
        <code>{nodeId}</code>
        <StatusBadge status={result.status} />
        {result.duration_ms != null && <span data-testid="node-duration" className="text-xs text-slate-500">{result.duration_ms} ms</span>}
        {(result.attempt ?? 1) > 1 && <span className="text-xs text-slate-500">attempt {result.attempt}</span>}
      </div>
      <h4 className="text-xs font-semibold">Input</h4>
      <JsonBlock label={`Input of ${nodeId}`} value={result.input} />
      <h4 className="text-xs font-semibold">Output</h4>
      <JsonBlock label={`Output of ${nodeId}`} value={result.output} />
      {result.error && (
        <>
          <h4 className="text-xs font-semibold text-rose-600">Error</h4>
          <JsonBlock label={`Error of ${nodeId}`} value={result.error} />
        </>
      )}
    </div>
  );
}
