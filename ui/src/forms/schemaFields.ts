// JSON Schema → form field descriptors (pure): the config side panel renders whatever this returns.

/** The JSON Schema subset the node catalogue uses. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  not?: JsonSchema;
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}

interface FieldBase {
  /** Property name ("" for a root or an array item). */
  key: string;
  label: string;
  description?: string;
  required: boolean;
  /** `null` is an accepted value (an optional field that can be cleared). */
  nullable: boolean;
  default?: unknown;
  /** A `{{ expr }}` template is accepted in place of a literal value. */
  templatable: boolean;
}

export interface StringField extends FieldBase {
  kind: "string";
  multiline: boolean;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  format?: string;
}
export interface NumberField extends FieldBase {
  kind: "number" | "integer";
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}
export interface BooleanField extends FieldBase {
  kind: "boolean";
}
export interface EnumField extends FieldBase {
  kind: "enum";
  options: (string | number | boolean)[];
}
export interface CredentialField extends FieldBase {
  kind: "credential";
}
export interface ArrayField extends FieldBase {
  kind: "array";
  item: FieldDescriptor;
  minItems?: number;
  maxItems?: number;
}
export interface ObjectField extends FieldBase {
  kind: "object";
  fields: FieldDescriptor[];
  /** Conditional requirements (`allOf` of `if`/`then` on one property's value). */
  rules: ConditionalRule[];
}
export interface MapField extends FieldBase {
  kind: "map";
  value: FieldDescriptor;
}
export interface UnionVariant {
  label: string;
  /** The discriminator value selecting this variant, when there is one. */
  tag?: string;
  field: FieldDescriptor;
}
export interface UnionField extends FieldBase {
  kind: "union";
  discriminator?: string;
  variants: UnionVariant[];
}
export interface JsonField extends FieldBase {
  kind: "json";
}

export type FieldDescriptor =
  | StringField
  | NumberField
  | BooleanField
  | EnumField
  | CredentialField
  | ArrayField
  | ObjectField
  | MapField
  | UnionField
  | JsonField;

/** When `property` equals `equals`: these fields are required and those are hidden (must be null). */
export interface ConditionalRule {
  property: string;
  equals: unknown;
  required: string[];
  hidden: string[];
}

const TEMPLATE_RE = /^\s*\{\{[\s\S]*\}\}\s*$/;
const MULTILINE_KEYS = /(prompt|code|body|text|message|instructions|html|template|query|script|description)$/i;

/** True for a string that is exactly one `{{ expr }}` template. */
export function isTemplate(value: unknown): value is string {
  return typeof value === "string" && TEMPLATE_RE.test(value);
}

/** Resolve a local `$ref` (`#/$defs/X`, `#/components/schemas/X`) against the root schema. */
export function resolveRef(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 32; depth += 1) {
    const parts = current.$ref.replace(/^#\//, "").split("/");
    let target: unknown = root;
    for (const part of parts) target = (target as Record<string, unknown> | undefined)?.[part];
    if (!target || typeof target !== "object") return {};
    const { $ref: _ref, ...rest } = current;
    current = { ...(target as JsonSchema), ...rest };
  }
  return current;
}

/** "max_concurrency" → "Max concurrency" (used when a schema has no title). */
export function humanize(key: string): string {
  const words = key.replace(/[_-]+/g, " ").trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : "";
}

function isNullSchema(s: JsonSchema): boolean {
  return s.type === "null";
}

function isTemplateSchema(s: JsonSchema): boolean {
  return s.type === "string" && typeof s.pattern === "string" && s.pattern.includes("\\{\\{") && !s.enum;
}

function isCredentialKey(key: string): boolean {
  return key === "credential_id" || key.endsWith("_credential") || key.endsWith("_credential_id");
}

function tagOf(variant: JsonSchema, property: string): string | undefined {
  const p = variant.properties?.[property];
  if (!p) return undefined;
  if (p.const !== undefined) return String(p.const);
  if (p.enum?.length === 1) return String(p.enum[0]);
  if (typeof p.default === "string" && variant.required?.includes(property) === false) return p.default;
  return undefined;
}

function findDiscriminator(variants: JsonSchema[]): string | undefined {
  const first = variants[0]?.properties;
  if (!first) return undefined;
  return Object.keys(first).find((prop) => {
    const tags = variants.map((v) => tagOf(v, prop));
    return tags.every((t) => t !== undefined) && new Set(tags).size === tags.length;
  });
}

function conditionalRules(schema: JsonSchema): ConditionalRule[] {
  const rules: ConditionalRule[] = [];
  for (const part of schema.allOf ?? []) {
    const condition = part.if?.properties;
    if (!condition || !part.then) continue;
    const [property, test] = Object.entries(condition)[0] ?? [];
    if (!property || !test || test.const === undefined) continue;
    const thenProps = part.then.properties ?? {};
    rules.push({
      property,
      equals: test.const,
      required: part.then.required ?? [],
      hidden: Object.entries(thenProps)
        .filter(([, s]) => isNullSchema(s))
        .map(([k]) => k),
    });
  }
  return rules;
}

/** The field descriptor of one schema (`key` names the property, `required` comes from the parent). */
export function describeSchema(schema: JsonSchema, root: JsonSchema = schema, key = "", required = false): FieldDescriptor {
  const s = resolveRef(schema, root);
  const base: FieldBase = {
    key,
    label: s.title ?? humanize(key),
    required,
    nullable: false,
    templatable: false,
  };
  if (s.description) base.description = s.description;
  if (s.default !== undefined) base.default = s.default;

  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const resolved = alternatives.map((a) => resolveRef(a, root));
    const nonNull = resolved.filter((a) => !isNullSchema(a));
    const nullable = nonNull.length < resolved.length;
    const literal = nonNull.filter((a) => !isTemplateSchema(a));
    const templatable = literal.length < nonNull.length;
    const merge = (field: FieldDescriptor): FieldDescriptor => ({
      ...field,
      ...base,
      label: base.label,
      nullable: nullable || field.nullable,
      templatable: templatable || field.templatable,
    });
    if (literal.length === 0) return merge(describeSchema({ type: "string" }, root, key, required));
    if (literal.length === 1) {
      const { title: _t, description: _d, default: _df, ...inner } = literal[0]!;
      return merge(describeSchema(inner, root, key, required));
    }
    if (literal.every((a) => a.type === "object" || a.properties)) {
      const discriminator = s.discriminator?.propertyName ?? findDiscriminator(literal);
      const variants = literal.map((v, i): UnionVariant => {
        const tag = discriminator ? tagOf(v, discriminator) : undefined;
        const variant: UnionVariant = {
          label: tag ?? v.title ?? `Option ${i + 1}`,
          field: describeSchema(v, root, key, required),
        };
        if (tag !== undefined) variant.tag = tag;
        return variant;
      });
      const union: UnionField = { ...base, kind: "union", variants, nullable, templatable };
      if (discriminator) union.discriminator = discriminator;
      return union;
    }
    return { ...base, kind: "json", nullable, templatable };
  }

  if (isCredentialKey(key) && (s.type === "string" || s.type === undefined)) {
    return { ...base, kind: "credential" };
  }
  if (s.enum) return { ...base, kind: "enum", options: s.enum as EnumField["options"] };
  if (s.const !== undefined) return { ...base, kind: "enum", options: [s.const as string], default: s.const };

  switch (s.type) {
    case "string": {
      const field: StringField = {
        ...base,
        kind: "string",
        templatable: true,
        multiline: MULTILINE_KEYS.test(key) || (s.maxLength ?? 0) > 1000,
      };
      if (s.pattern && !isTemplateSchema(s)) field.pattern = s.pattern;
      if (s.minLength !== undefined) field.minLength = s.minLength;
      if (s.maxLength !== undefined) field.maxLength = s.maxLength;
      if (s.format) field.format = s.format;
      return field;
    }
    case "number":
    case "integer": {
      const field: NumberField = { ...base, kind: s.type };
      for (const bound of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const) {
        if (s[bound] !== undefined) field[bound] = s[bound];
      }
      return field;
    }
    case "boolean":
      return { ...base, kind: "boolean" };
    case "array": {
      const field: ArrayField = { ...base, kind: "array", item: describeSchema(s.items ?? {}, root, "", true) };
      if (s.minItems !== undefined) field.minItems = s.minItems;
      if (s.maxItems !== undefined) field.maxItems = s.maxItems;
      return field;
    }
    case "object":
    case undefined: {
      if (s.properties) {
        const req = new Set(s.required ?? []);
        const fields = Object.entries(s.properties).map(([k, p]) => describeSchema(p, root, k, req.has(k)));
        return { ...base, kind: "object", fields, rules: conditionalRules(s) };
      }
      if (typeof s.additionalProperties === "object") {
        return { ...base, kind: "map", value: describeSchema(s.additionalProperties, root, "", true) };
      }
      if (s.type === "object") return { ...base, kind: "map", value: { ...base, key: "", label: "", required: true, kind: "json" } };
      return { ...base, kind: "json" };
    }
    default:
      return { ...base, kind: "json" };
  }
}

/** The form of a node's `config_schema` (always an object field). */
export function describeConfig(schema: JsonSchema): ObjectField {
  const field = describeSchema(schema, schema);
  if (field.kind === "object") return field;
  return { ...field, kind: "object", fields: [], rules: [] } as ObjectField;
}

/** The fields to show for the current value: conditional rules hide fields and add requirements. */
export function activeFields(form: ObjectField, value: Record<string, unknown>): FieldDescriptor[] {
  const hidden = new Set<string>();
  const required = new Set<string>();
  for (const rule of form.rules) {
    if (value[rule.property] !== rule.equals) continue;
    rule.hidden.forEach((k) => hidden.add(k));
    rule.required.forEach((k) => required.add(k));
  }
  return form.fields
    .filter((f) => !hidden.has(f.key))
    .map((f) => (required.has(f.key) && !f.required ? { ...f, required: true } : f));
}

/** The initial value of a field: its default, else an empty value for required fields. */
export function initialValue(field: FieldDescriptor): unknown {
  if (field.default !== undefined) return structuredClone(field.default);
  if (!field.required) return undefined;
  switch (field.kind) {
    case "string":
    case "credential":
      return "";
    case "boolean":
      return false;
    case "enum":
      return field.options[0];
    case "array":
      return [];
    case "map":
      return {};
    case "object":
      return initialObject(field);
    case "union":
      return field.variants[0] ? initialValue({ ...field.variants[0].field, required: true }) : undefined;
    default:
      return undefined;
  }
}

function initialObject(form: ObjectField): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const f of form.fields) {
    if (!f.required) continue;
    const v = initialValue(f);
    if (v !== undefined) value[f.key] = v;
  }
  return value;
}

/** A new node's config: required fields with their defaults or empty values. */
export function initialConfig(schema: JsonSchema): Record<string, unknown> {
  return initialObject(describeConfig(schema));
}

/** The union variant a value belongs to (by discriminator, else the first). */
export function variantOf(field: UnionField, value: unknown): number {
  if (field.discriminator && value && typeof value === "object") {
    const tag = (value as Record<string, unknown>)[field.discriminator];
    const index = field.variants.findIndex((v) => v.tag === tag);
    if (index >= 0) return index;
  }
  return 0;
}
