// Side panel of the selected node: name, description and the config form generated from its schema.
import type { NodeTypeInfo } from "../api/types";
import type { CanvasNode } from "../canvas/document";
import { Button, FieldRow, TextInput } from "../components/ui";
import { ConfigForm } from "../forms/ConfigForm";
import { FieldInput } from "../forms/FieldInput";
import { ON_ERROR_SCHEMA, RETRY_SCHEMA } from "../forms/flowSchemas";
import { describeSchema, type JsonSchema } from "../forms/schemaFields";

const retryField = describeSchema(RETRY_SCHEMA, RETRY_SCHEMA, "retry");
const onErrorField = describeSchema(ON_ERROR_SCHEMA, ON_ERROR_SCHEMA, "on_error");

export function NodePanel({
  node,
  info,
  errors,
  onConfig,
  onFields,
  onDelete,
}: {
  node: CanvasNode;
  info: NodeTypeInfo | undefined;
  errors: string[];
  onConfig: (config: Record<string, unknown>) => void;
  onFields: (patch: Record<string, unknown>) => void;
  onDelete: () => void;
}) {
  const id = `node-${node.id}`;
  return (
    <div className="space-y-3" data-testid="node-panel">
      <div>
        <h2 className="text-sm font-semibold">
          <code>{node.id}</code> <span className="font-normal text-slate-500">· {node.type}</span>
        </h2>
        {info && <p className="text-xs text-slate-500">{info.description}</p>}
      </div>
      {errors.length > 0 && (
        <ul role="alert" data-testid="node-panel-errors" className="list-disc rounded-md bg-rose-50 p-2 pl-6 text-xs text-rose-800 dark:bg-rose-950 dark:text-rose-200">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <FieldRow id={`${id}-name`} label="Display name">
        <TextInput
          id={`${id}-name`}
          data-testid="node-name"
          value={typeof node.extra.name === "string" ? node.extra.name : ""}
          onChange={(e) => onFields({ name: e.target.value || undefined })}
        />
      </FieldRow>
      <fieldset className="space-y-3">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Configuration</legend>
        {info ? (
          <ConfigForm key={node.id} schema={info.config_schema as JsonSchema} value={node.config} onChange={onConfig} idPrefix={`${id}-config`} />
        ) : (
          <p className="text-xs text-rose-600">Unknown node type {node.type}.</p>
        )}
      </fieldset>
      <fieldset className="space-y-3">
        <legend className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Retry and errors</legend>
        <FieldInput
          field={retryField}
          id={`${id}-retry`}
          value={node.extra.retry}
          onChange={(retry) => onFields({ retry: retry ?? undefined })}
        />
        <FieldInput
          field={onErrorField}
          id={`${id}-on_error`}
          value={node.extra.on_error}
          onChange={(onError) => onFields({ on_error: onError ?? undefined })}
        />
      </fieldset>
      <Button variant="danger" data-testid="delete-node" onClick={onDelete}>
        Delete node
      </Button>
    </div>
  );
}
