// Triggers edited on the flow: webhook (URL with copy button), schedule (cron with its description), event pattern.
import { useState } from "react";
import type { FlowTrigger } from "../api/types";
import { webhookBaseUrl } from "../app/config";
import { Button, FieldRow, Select, TextArea, TextInput } from "../components/ui";
import { describeCron } from "../flow/cron";

type TriggerKind = FlowTrigger["type"];
const NEW_TRIGGER: Record<NonNullable<TriggerKind>, FlowTrigger> = {
  webhook: { type: "webhook", path: "my-hook" } as FlowTrigger,
  schedule: { type: "schedule", cron: "0 9 * * MON-FRI", timezone: "UTC" } as FlowTrigger,
  event: { type: "event", pattern: { source: ["deca.crm"] } } as FlowTrigger,
  manual: { type: "manual" } as FlowTrigger,
};

/** The public URL of a webhook trigger. */
export function webhookUrl(base: string, workspaceId: string, path: string): string {
  return `${base.replace(/\/$/, "")}/webhooks/${encodeURIComponent(workspaceId)}/${path.replace(/^\//, "")}`;
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      aria-label={label}
      data-testid="copy-webhook-url"
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        })
      }
    >
      {copied ? "Copied" : "Copy"}
    </Button>
  );
}

function PatternInput({ id, value, onChange }: { id: string; value: unknown; onChange: (v: unknown) => void }) {
  const [text, setText] = useState(() => JSON.stringify(value ?? {}, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <FieldRow id={id} label="Event pattern (JSON)" error={error ?? undefined}>
      <TextArea
        id={id}
        rows={4}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          try {
            onChange(JSON.parse(text));
            setError(null);
          } catch {
            setError("Not valid JSON");
          }
        }}
      />
    </FieldRow>
  );
}

function TriggerFields({
  trigger,
  index,
  workspaceId,
  onChange,
}: {
  trigger: FlowTrigger;
  index: number;
  workspaceId: string;
  onChange: (t: FlowTrigger) => void;
}) {
  const id = `trigger-${index}`;
  const t = trigger as Record<string, unknown> & FlowTrigger;
  const set = (patch: Record<string, unknown>): void => onChange({ ...t, ...patch } as FlowTrigger);
  switch (trigger.type) {
    case "webhook": {
      const url = webhookUrl(webhookBaseUrl(), workspaceId, String(t.path ?? ""));
      return (
        <>
          <FieldRow id={`${id}-path`} label="Path" required>
            <TextInput id={`${id}-path`} value={String(t.path ?? "")} onChange={(e) => set({ path: e.target.value })} />
          </FieldRow>
          <div className="flex items-center gap-2">
            <code data-testid="webhook-url" className="min-w-0 flex-1 truncate rounded bg-slate-100 px-2 py-1 text-xs dark:bg-slate-900">
              {url}
            </code>
            <CopyButton text={url} label="Copy webhook URL" />
          </div>
          <FieldRow id={`${id}-method`} label="Method">
            <Select id={`${id}-method`} value={String(t.method ?? "POST")} onChange={(e) => set({ method: e.target.value })}>
              {["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => (
                <option key={m}>{m}</option>
              ))}
            </Select>
          </FieldRow>
          <FieldRow id={`${id}-mode`} label="Response">
            <Select id={`${id}-mode`} value={String(t.response_mode ?? "async")} onChange={(e) => set({ response_mode: e.target.value })}>
              <option value="async">async (202 with the execution id)</option>
              <option value="sync">sync (wait for the flow)</option>
            </Select>
          </FieldRow>
          <FieldRow id={`${id}-signature`} label="Signature check">
            <Select id={`${id}-signature`} value={String(t.signature ?? "none")} onChange={(e) => set({ signature: e.target.value })}>
              {["none", "standard", "github"].map((m) => (
                <option key={m}>{m}</option>
              ))}
            </Select>
          </FieldRow>
        </>
      );
    }
    case "schedule": {
      const cron = String(t.cron ?? "");
      const description = describeCron(cron);
      return (
        <>
          <FieldRow id={`${id}-cron`} label="Cron" required description={description ?? "5 fields, or 6 with seconds first"}>
            <TextInput id={`${id}-cron`} data-testid="cron-input" aria-describedby={`${id}-cron-help`} value={cron} onChange={(e) => set({ cron: e.target.value })} />
          </FieldRow>
          <FieldRow id={`${id}-tz`} label="Time zone">
            <TextInput id={`${id}-tz`} value={String(t.timezone ?? "UTC")} onChange={(e) => set({ timezone: e.target.value })} />
          </FieldRow>
        </>
      );
    }
    case "event":
      return <PatternInput id={`${id}-pattern`} value={t.pattern} onChange={(pattern) => set({ pattern })} />;
    default:
      return <p className="text-xs text-slate-500">Started by hand or through the API.</p>;
  }
}

export function TriggersEditor({
  triggers,
  workspaceId,
  onChange,
}: {
  triggers: FlowTrigger[];
  workspaceId: string;
  onChange: (triggers: FlowTrigger[]) => void;
}) {
  const [kind, setKind] = useState<NonNullable<TriggerKind>>("webhook");
  return (
    <section aria-labelledby="triggers-heading" className="space-y-3" data-testid="triggers-editor">
      <h3 id="triggers-heading" className="text-xs font-semibold uppercase tracking-wide text-slate-500">
        Triggers
      </h3>
      {triggers.map((t, i) => (
        <div key={i} className="space-y-2 rounded-md border border-slate-200 p-2 dark:border-slate-800" data-testid={`trigger-${i}`}>
          <div className="flex items-center justify-between">
            <span className="text-sm font-medium">{t.type}</span>
            <Button variant="ghost" aria-label={`Remove ${t.type} trigger`} onClick={() => onChange(triggers.filter((_, j) => j !== i))}>
              ×
            </Button>
          </div>
          <TriggerFields trigger={t} index={i} workspaceId={workspaceId} onChange={(nt) => onChange(triggers.map((old, j) => (j === i ? nt : old)))} />
        </div>
      ))}
      <div className="flex gap-2">
        <label htmlFor="new-trigger" className="sr-only">
          Trigger type
        </label>
        <Select id="new-trigger" value={kind} onChange={(e) => setKind(e.target.value as NonNullable<TriggerKind>)}>
          <option value="webhook">Webhook</option>
          <option value="schedule">Schedule</option>
          <option value="event">Event</option>
          <option value="manual">Manual</option>
        </Select>
        <Button data-testid="add-trigger" onClick={() => onChange([...triggers, structuredClone(NEW_TRIGGER[kind])])}>
          Add
        </Button>
      </div>
    </section>
  );
}
