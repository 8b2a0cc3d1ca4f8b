// Side panel when nothing is selected: flow id, name, description, triggers and flow-level errors.
import type { FlowMeta } from "../canvas/document";
import { FieldRow, TextArea, TextInput } from "../components/ui";
import { ObjectFields } from "../forms/FieldInput";
import { SETTINGS_SCHEMA } from "../forms/flowSchemas";
import { describeConfig } from "../forms/schemaFields";
import { TriggersEditor } from "./TriggersEditor";

const settingsForm = describeConfig(SETTINGS_SCHEMA);

export function FlowPanel({
  meta,
  isNew,
  workspaceId,
  errors,
  onChange,
}: {
  meta: FlowMeta;
  isNew: boolean;
  workspaceId: string;
  errors: string[];
  onChange: (patch: Partial<FlowMeta>) => void;
}) {
  return (
    <div className="space-y-3" data-testid="flow-panel">
      <h2 className="text-sm font-semibold">Flow</h2>
      {errors.length > 0 && (
        <ul role="alert" data-testid="flow-errors" className="list-disc rounded-md bg-rose-50 p-2 pl-6 text-xs text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <FieldRow id="flow-id" label="Id" required description={isNew ? "Letters, digits, _ . : - (cannot change later)" : undefined}>
        <TextInput id="flow-id" data-testid="flow-id" value={meta.id} readOnly={!isNew} onChange={(e) => onChange({ id: e.target.value })} />
      </FieldRow>
      <FieldRow id="flow-name" label="Name" required>
        <TextInput id="flow-name" data-testid="flow-name" value={meta.name} onChange={(e) => onChange({ name: e.target.value })} />
      </FieldRow>
      <FieldRow id="flow-description" label="Description">
        <TextArea
          id="flow-description"
          className="font-sans"
          rows={2}
          value={meta.description ?? ""}
          onChange={(e) => onChange({ description: e.target.value || null })}
        />
      </FieldRow>
      <fieldset className="space-y-3">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Settings</legend>
        <ObjectFields
          field={settingsForm}
          id="flow-settings"
          value={meta.settings ?? {}}
          onChange={(settings) => onChange({ settings: settings as FlowMeta["settings"] })}
        />
      </fieldset>
      <TriggersEditor triggers={meta.triggers ?? []} workspaceId={workspaceId} onChange={(triggers) => onChange({ triggers })} />
    </div>
  );
}
