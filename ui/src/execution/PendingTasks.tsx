// People's tasks an execution waits for: approve or reject an approval, submit a form (as JSON).
import { useState } from "react";
import { useApi } from "../api/ApiProvider";
import type { ExecutionDetail } from "../api/types";
import { Button, ErrorBanner, TextArea, TextInput } from "../components/ui";

type Task = ExecutionDetail["pending_tasks"][number];

function TaskRow({ executionId, task, onDone }: { executionId: string; task: Task; onDone: () => void }) {
  const api = useApi();
  const [comment, setComment] = useState("");
  const [data, setData] = useState("{}");
  const [error, setError] = useState<unknown>(null);
  const run = (action: () => Promise<unknown>): void => {
    setError(null);
    action().then(onDone, setError);
  };
  const id = `task-${task.node_id}`;
  const token = task.task_token;
  return (
    <li className="space-y-2 rounded-md border border-amber-300 p-2 dark:border-amber-800" data-testid={id}>
      <p className="text-sm">
        <code>{task.node_id}</code> waits for a person ({task.node_type})
      </p>
      {task.node_type === "form" ? (
        <>
          <label htmlFor={`${id}-data`} className="block text-xs">Answers (JSON object)</label>
          <TextArea id={`${id}-data`} rows={3} value={data} onChange={(e) => setData(e.target.value)} />
          <Button variant="primary" onClick={() => run(async () => api.submitForm(executionId, task.node_id, { data: JSON.parse(data) as Record<string, unknown>, task_token: token }))}>
            Submit
          </Button>
        </>
      ) : (
        <>
          <label htmlFor={`${id}-comment`} className="block text-xs">Comment</label>
          <TextInput id={`${id}-comment`} value={comment} onChange={(e) => setComment(e.target.value)} />
          <div className="flex gap-2">
            <Button variant="primary" data-testid={`${id}-approve`} onClick={() => run(() => api.approve(executionId, task.node_id, { comment: comment || null, task_token: token }))}>
              Approve
            </Button>
            <Button variant="danger" data-testid={`${id}-reject`} onClick={() => run(() => api.reject(executionId, task.node_id, { comment: comment || null, task_token: token }))}>
              Reject
            </Button>
          </div>
        </>
      )}
      <ErrorBanner error={error} />
    </li>
  );
}

export function PendingTasks({ detail, onDone }: { detail: ExecutionDetail; onDone: () => void }) {
  if (detail.pending_tasks.length === 0) return null;
  return (
    <section aria-labelledby="tasks-heading" className="mb-4">
      <h2 id="tasks-heading" className="mb-2 text-sm font-semibold">Waiting for a person</h2>
      <ul className="space-y-2">
        {detail.pending_tasks.map((t) => (
          <TaskRow key={t.task_token} executionId={detail.execution.execution_id} task={t} onDone={onDone} />
        ))}
      </ul>
    </section>
  );
}
