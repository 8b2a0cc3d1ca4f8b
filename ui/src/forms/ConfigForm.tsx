import { useMemo } from "react";
import { ObjectFields } from "./FieldInput";
import { describeConfig, type JsonSchema } from "./schemaFields";

/** The generated form of a node config schema. */
export function ConfigForm({
  schema,
  value,
  onChange,
  idPrefix,
}: {
  schema: JsonSchema;
  value: Record<string, unknown>;
  onChange: (value: Record<string, unknown>) => void;
  idPrefix: string;
}) {
  const form = useMemo(() => describeConfig(schema), [schema]);
  if (form.fields.length === 0) return <p className="text-xs text-slate-500">This node has no settings.</p>;
  return <ObjectFields field={form} id={idPrefix} value={value} onChange={(v) => onChange(v as Record<string, unknown>)} />;
}
