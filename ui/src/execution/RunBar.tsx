import { routeHash } from "../app/routes";
import { Button, ErrorBanner, StatusBadge } from "../components/ui";
import type { ExecutionRun } from "./useExecutionRun";
import { isTerminal } from "./status";

/** Status of the followed execution with cancel, re-run and redrive. */
export function RunBar({ run, closable = true }: { run: ExecutionRun; closable?: boolean }) {
  const { detail } = run;
  if (!detail && !run.error) return null;
  const status = detail?.execution.status;
  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-1.5 text-sm dark:border-slate-800" data-testid="run-bar">
      {detail && (
        <>
          <span>Execution</span>
          <a className="underline" href={routeHash({ name: "execution", executionId: detail.execution.execution_id })}>
            <code>{detail.execution.execution_id.slice(0, 12)}</code>
          </a>
          <StatusBadge status={status ?? "running"} />
          <Button data-testid="run-cancel" disabled={isTerminal(status)} onClick={() => void run.cancel()}>
            Cancel
          </Button>
          <Button data-testid="run-rerun" disabled={!isTerminal(status)} onClick={() => void run.rerun()}>
            Re-run
          </Button>
          <Button data-testid="run-redrive" disabled={status !== "failed" && status !== "timed_out"} onClick={() => void run.redrive()}>
            Redrive
          </Button>
        </>
      )}
      {closable && (
        <Button variant="ghost" onClick={run.clear} aria-label="Close run">
          ×
        </Button>
      )}
      {run.error != null && <ErrorBanner error={run.error} />}
    </div>
  );
}
