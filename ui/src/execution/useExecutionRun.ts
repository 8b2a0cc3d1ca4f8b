import { useCallback, useEffect, useRef, useState } from "react";
import { useApi } from "../api/ApiProvider";
import type { ExecutionDetail } from "../api/types";
import { pollExecution } from "./status";

export interface ExecutionRun {
  detail: ExecutionDetail | null;
  error: unknown;
  /** Follow an execution by id until it ends. */
  follow: (executionId: string, first?: ExecutionDetail) => void;
  cancel: () => Promise<void>;
  rerun: () => Promise<void>;
  redrive: () => Promise<void>;
  clear: () => void;
}

/** Polls one execution (1 s) while it runs; re-run, redrive and cancel act on it and keep following. */
export function useExecutionRun(intervalMs = 1000): ExecutionRun {
  const api = useApi();
  const [detail, setDetail] = useState<ExecutionDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const controller = useRef<AbortController | null>(null);

  const follow = useCallback(
    (executionId: string, first?: ExecutionDetail) => {
      controller.current?.abort();
      const c = new AbortController();
      controller.current = c;
      setError(null);
      if (first) setDetail(first);
      pollExecution(() => api.getExecution(executionId), { intervalMs, signal: c.signal, onUpdate: setDetail }).catch(
        (e: unknown) => !c.signal.aborted && setError(e),
      );
    },
    [api, intervalMs],
  );

  useEffect(() => () => controller.current?.abort(), []);

  const act = useCallback(
    async (action: (id: string) => Promise<unknown>) => {
      const id = detail?.execution.execution_id;
      if (!id) return;
      try {
        const result = (await action(id)) as Partial<ExecutionDetail> | undefined;
        follow(result?.execution?.execution_id ?? id);
      } catch (e) {
        setError(e);
      }
    },
    [detail, follow],
  );

  return {
    detail,
    error,
    follow,
    cancel: () => act(api.cancel),
    rerun: () => act(api.rerun),
    redrive: () => act(api.redrive),
    clear: () => {
      controller.current?.abort();
      setDetail(null);
      setError(null);
    },
  };
}
