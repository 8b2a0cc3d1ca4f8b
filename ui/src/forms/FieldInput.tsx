// Renders one field descriptor as an accessible input; objects, arrays, maps and unions recurse.
import { useState } from "react";
import { Button, FieldRow, Select, TextArea, TextInput } from "../components/ui";
import { useFormEnvironment } from "./FormContext";
import {
  activeFields,
  type ArrayField,
  type FieldDescriptor,
  initialValue,
  isTemplate,
  type MapField,
  type ObjectField,
  type UnionField,
  variantOf,
} from "./schemaFields";
import { TemplateInput } from "./TemplateInput";

export interface FieldProps<F extends FieldDescriptor = FieldDescriptor> {
  field: F;
  /** DOM id (unique within the page) and test id suffix. */
  id: string;
  value: unknown;
  onChange: (value: unknown) => void;
}

const asRecord = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The fields of an object, each in its labelled row. */
export function ObjectFields({ field, id, value, onChange }: FieldProps<ObjectField>) {
  const record = asRecord(value);
  return (
    <div className="space-y-3">
      {activeFields(field, record).map((f) => (
        <FieldInput
          key={f.key}
          field={f}
          id={`${id}.${f.key}`}
          value={record[f.key]}
          onChange={(v) => {
            const next = { ...record };
            if (v === undefined) delete next[f.key];
            else next[f.key] = v;
            onChange(next);
          }}
        />
      ))}
    </div>
  );
}

function JsonInput({ id, value, onChange, describedBy }: { id: string; value: unknown; onChange: (v: unknown) => void; describedBy?: string }) {
  const [text, setText] = useState(() => (value === undefined ? "" : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <TextArea
        id={id}
        data-testid={`field-${id}`}
        rows={4}
        value={text}
        aria-invalid={error !== null}
        aria-describedby={describedBy}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => {
          if (!text.trim()) return onChange(undefined);
          try {
            onChange(JSON.parse(text));
            setError(null);
          } catch {
            setError("Not valid JSON");
          }
        }}
      />
      {error && <p role="alert" className="text-xs text-rose-600">{error}</p>}
    </>
  );
}

function ArrayInput({ field, id, value, onChange }: FieldProps<ArrayField>) {
  const items = Array.isArray(value) ? value : [];
  const canAdd = field.maxItems === undefined || items.length < field.maxItems;
  return (
    <div className="space-y-2" role="group" aria-labelledby={`${id}-label`} data-testid={`field-${id}`}>
      {items.map((item, i) => (
        <div key={i} className="flex items-start gap-2 rounded-md border border-slate-200 p-2 dark:border-slate-800">
          <div className="flex-1">
            <FieldInput
              field={{ ...field.item, label: `${field.label} ${i + 1}` }}
              id={`${id}.${i}`}
              value={item}
              onChange={(v) => onChange(items.map((old, j) => (j === i ? v : old)))}
            />
          </div>
          <Button variant="ghost" aria-label={`Remove ${field.label} ${i + 1}`} onClick={() => onChange(items.filter((_, j) => j !== i))}>
            ×
          </Button>
        </div>
      ))}
      {canAdd && (
        <Button data-testid={`add-${id}`} onClick={() => onChange([...items, initialValue({ ...field.item, required: true }) ?? ""])}>
          + Add
        </Button>
      )}
    </div>
  );
}

function MapInput({ field, id, value, onChange }: FieldProps<MapField>) {
  const entries = Object.entries(asRecord(value));
  const rename = (from: string, to: string): void =>
    onChange(Object.fromEntries(entries.map(([k, v]) => [k === from ? to : k, v])));
  return (
    <div className="space-y-2" role="group" aria-labelledby={`${id}-label`}>
      {entries.map(([key, v], i) => (
        <div key={i} className="flex items-start gap-2">
          <TextInput aria-label={`${field.label} key ${i + 1}`} className="w-1/3" value={key} onChange={(e) => rename(key, e.target.value)} />
          <div className="flex-1">
            <FieldInput
              field={{ ...field.value, label: `${field.label} ${key || i + 1} value` }}
              id={`${id}.${i}`}
              value={v}
              onChange={(nv) => onChange({ ...asRecord(value), [key]: nv })}
            />
          </div>
          <Button variant="ghost" aria-label={`Remove ${key || "entry"}`} onClick={() => onChange(Object.fromEntries(entries.filter(([k]) => k !== key)))}>
            ×
          </Button>
        </div>
      ))}
      <Button
        data-testid={`add-${id}`}
        onClick={() => {
          let n = entries.length + 1;
          while (`key${n}` in asRecord(value)) n += 1;
          onChange({ ...asRecord(value), [`key${n}`]: initialValue({ ...field.value, required: true }) ?? "" });
        }}
      >
        + Add entry
      </Button>
    </div>
  );
}

function UnionInput({ field, id, value, onChange }: FieldProps<UnionField>) {
  const index = variantOf(field, value);
  const variant = field.variants[index];
  return (
    <div className="space-y-2">
      <Select
        aria-label={`${field.label} kind`}
        value={index}
        onChange={(e) => {
          const next = field.variants[Number(e.target.value)];
          if (!next) return;
          const fresh = asRecord(initialValue({ ...next.field, required: true }));
          onChange(field.discriminator && next.tag !== undefined ? { ...fresh, [field.discriminator]: next.tag } : fresh);
        }}
      >
        {field.variants.map((v, i) => (
          <option key={v.label} value={i}>
            {v.label}
          </option>
        ))}
      </Select>
      {variant && <FieldControl field={{ ...variant.field, label: field.label }} id={id} value={value} onChange={onChange} />}
    </div>
  );
}

function CredentialInput({ id, value, onChange, describedBy }: { id: string; value: unknown; onChange: (v: unknown) => void; describedBy?: string }) {
  const { credentials } = useFormEnvironment();
  const current = typeof value === "string" ? value : "";
  const known = credentials.some((c) => c.credential_id === current);
  return (
    <Select id={id} data-testid={`field-${id}`} aria-describedby={describedBy} value={current} onChange={(e) => onChange(e.target.value || undefined)}>
      <option value="">Choose a credential…</option>
      {!known && current && <option value={current}>{current} (not found)</option>}
      {credentials.map((c) => (
        <option key={c.credential_id} value={c.credential_id}>
          {c.name} ({c.type})
        </option>
      ))}
    </Select>
  );
}

/** The bare control of a field (no label row). */
function FieldControl({ field, id, value, onChange }: FieldProps) {
  const describedBy = field.description ? `${id}-help` : undefined;
  const templated = field.templatable && field.kind !== "string" && isTemplate(value);
  if (field.kind === "string" || templated) {
    return (
      <TemplateInput
        id={id}
        testId={`field-${id}`}
        value={typeof value === "string" ? value : value === undefined || value === null ? "" : String(value)}
        multiline={field.kind === "string" && field.multiline}
        required={field.required}
        describedBy={describedBy}
        onChange={(v) => onChange(v === "" && !field.required ? (field.nullable ? null : undefined) : v)}
      />
    );
  }
  switch (field.kind) {
    case "number":
    case "integer":
      return (
        <TextInput
          id={id}
          data-testid={`field-${id}`}
          type="number"
          aria-describedby={describedBy}
          step={field.kind === "integer" ? 1 : "any"}
          min={field.minimum}
          max={field.maximum}
          value={typeof value === "number" ? value : ""}
          onChange={(e) => onChange(e.target.value === "" ? undefined : Number(e.target.value))}
        />
      );
    case "boolean":
      return (
        <input
          id={id}
          data-testid={`field-${id}`}
          type="checkbox"
          aria-describedby={describedBy}
          className="h-4 w-4"
          checked={value === undefined ? field.default === true : value === true}
          onChange={(e) => onChange(e.target.checked)}
        />
      );
    case "enum":
      return (
        <Select
          id={id}
          data-testid={`field-${id}`}
          aria-describedby={describedBy}
          value={value === undefined || value === null ? "" : String(value)}
          onChange={(e) => {
            const option = field.options.find((o) => String(o) === e.target.value);
            onChange(option === undefined ? undefined : option);
          }}
        >
          {(!field.required || value === undefined) && <option value="">{field.default !== undefined ? `Default (${String(field.default)})` : "—"}</option>}
          {field.options.map((o) => (
            <option key={String(o)} value={String(o)}>
              {String(o)}
            </option>
          ))}
        </Select>
      );
    case "credential":
      return <CredentialInput id={id} value={value} onChange={onChange} describedBy={describedBy} />;
    case "array":
      return <ArrayInput field={field} id={id} value={value} onChange={onChange} />;
    case "map":
      return <MapInput field={field} id={id} value={value} onChange={onChange} />;
    case "union":
      return <UnionInput field={field} id={id} value={value} onChange={onChange} />;
    case "object":
      if ((value === undefined || value === null) && !field.required) {
        return (
          <Button data-testid={`add-${id}`} onClick={() => onChange(initialValue({ ...field, required: true }))}>
            + Set {field.label}
          </Button>
        );
      }
      return (
        <div role="group" aria-labelledby={`${id}-label`} className="space-y-2 border-l-2 border-slate-200 pl-3 dark:border-slate-800">
          <ObjectFields field={field} id={id} value={value} onChange={onChange} />
          {!field.required && (
            <Button variant="ghost" onClick={() => onChange(field.nullable ? null : undefined)}>
              Clear {field.label}
            </Button>
          )}
        </div>
      );
    default:
      return <JsonInput id={id} value={value} onChange={onChange} describedBy={describedBy} />;
  }
}

/** A labelled field; template-capable typed fields can switch between a literal value and a template. */
export function FieldInput(props: FieldProps) {
  const { field, id, value, onChange } = props;
  const canToggle = field.templatable && field.kind !== "string";
  const templated = isTemplate(value);
  return (
    <FieldRow id={id} label={field.label} required={field.required} description={field.description}>
      <FieldControl {...props} />
      {canToggle && (
        <button
          type="button"
          className="text-xs text-sky-700 underline dark:text-sky-400"
          onClick={() => onChange(templated ? undefined : "{{ }}")}
        >
          {templated ? "Use a literal value" : "Use a template"}
        </button>
      )}
    </FieldRow>
  );
}
