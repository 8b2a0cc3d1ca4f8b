import { describe, expect, it } from "vitest";
import {
  activeFields,
  describeConfig,
  describeSchema,
  type FieldDescriptor,
  initialConfig,
  isTemplate,
  type JsonSchema,
  variantOf,
} from "./schemaFields";

const TEMPLATE = { type: "string", pattern: "^\\s*\\{\\{[\\s\\S]*\\}\\}\\s*$" };

const schema: JsonSchema = {
  type: "object",
  title: "DemoConfig",
  required: ["url", "operation"],
  $defs: {
    Auth: {
      type: "object",
      properties: { credential_id: { type: "string", title: "Credential Id" }, type: { enum: ["bearer", "basic"] } },
      required: ["credential_id"],
    },
    ByText: { type: "object", properties: { kind: { const: "text" }, text: { type: "string" } }, required: ["kind"] },
    ByFile: { type: "object", properties: { kind: { const: "file" }, key: { type: "string" } }, required: ["kind"] },
  },
  properties: {
    url: { type: "string", title: "Url", description: "Where to send it" },
    method: { enum: ["GET", "POST"], default: "GET", title: "Method" },
    timeout: { anyOf: [{ type: "number", exclusiveMinimum: 0, maximum: 900 }, TEMPLATE], default: 30 },
    retries: { type: "integer", minimum: 0 },
    follow: { type: "boolean", default: true },
    tags: { type: "array", items: { type: "string" }, maxItems: 5 },
    items: { anyOf: [TEMPLATE, { type: "array", items: {} }] },
    headers: { type: "object", additionalProperties: { type: "string" } },
    auth: { anyOf: [{ $ref: "#/$defs/Auth" }, { type: "null" }], default: null },
    source: { oneOf: [{ $ref: "#/$defs/ByText" }, { $ref: "#/$defs/ByFile" }], discriminator: { propertyName: "kind" } },
    prompt: { type: "string" },
    operation: { enum: ["send", "delete"] },
    channel: { anyOf: [{ type: "string" }, { type: "null" }], default: null },
    payload: {},
  },
  allOf: [
    {
      if: { properties: { operation: { const: "send" } }, required: ["operation"] },
      then: { properties: { channel: { not: { type: "null" } } }, required: ["channel"] },
    },
    {
      if: { properties: { operation: { const: "delete" } }, required: ["operation"] },
      then: { properties: { channel: { type: "null" } } },
    },
  ],
};

const form = describeConfig(schema);
const field = (key: string): FieldDescriptor => form.fields.find((f) => f.key === key)!;

describe("describeSchema", () => {
  it("describes a plain string as a template-capable text field with its title and description", () => {
    expect(field("url")).toMatchObject({
      kind: "string",
      label: "Url",
      description: "Where to send it",
      required: true,
      templatable: true,
    });
  });

  it("describes an enum with its options and default", () => {
    expect(field("method")).toMatchObject({ kind: "enum", options: ["GET", "POST"], default: "GET", required: false });
  });

  it("describes a number that also accepts a template", () => {
    expect(field("timeout")).toMatchObject({ kind: "number", templatable: true, exclusiveMinimum: 0, maximum: 900, default: 30 });
  });

  it("describes integers with bounds and humanized labels", () => {
    expect(field("retries")).toMatchObject({ kind: "integer", minimum: 0, label: "Retries" });
  });

  it("describes booleans", () => {
    expect(field("follow")).toMatchObject({ kind: "boolean", default: true });
  });

  it("describes arrays with their item field", () => {
    expect(field("tags")).toMatchObject({ kind: "array", maxItems: 5, item: { kind: "string" } });
  });

  it("describes a template-or-array field as a templatable array", () => {
    expect(field("items")).toMatchObject({ kind: "array", templatable: true });
  });

  it("describes string maps", () => {
    expect(field("headers")).toMatchObject({ kind: "map", value: { kind: "string" } });
  });

  it("describes a nullable $ref object with its nested fields and a credential picker", () => {
    const auth = field("auth");
    expect(auth).toMatchObject({ kind: "object", nullable: true, required: false });
    expect(auth.kind === "object" && auth.fields.map((f) => [f.key, f.kind, f.required])).toEqual([
      ["credential_id", "credential", true],
      ["type", "enum", false],
    ]);
  });

  it("describes a discriminated oneOf as a union with tagged variants", () => {
    const source = field("source");
    expect(source).toMatchObject({ kind: "union", discriminator: "kind" });
    expect(source.kind === "union" && source.variants.map((v) => v.tag)).toEqual(["text", "file"]);
  });

  it("finds the discriminator of an anyOf without an explicit one", () => {
    const f = describeSchema({ anyOf: [schema.$defs!.ByText!, schema.$defs!.ByFile!] }, schema, "x");
    expect(f).toMatchObject({ kind: "union", discriminator: "kind" });
  });

  it("makes prompt-like strings multiline", () => {
    expect(field("prompt")).toMatchObject({ kind: "string", multiline: true });
    expect(field("url")).toMatchObject({ multiline: false });
  });

  it("describes a nullable string as nullable", () => {
    expect(field("channel")).toMatchObject({ kind: "string", nullable: true, default: null });
  });

  it("falls back to a JSON editor for an unconstrained value", () => {
    expect(field("payload")).toMatchObject({ kind: "json" });
  });
});

describe("conditional fields", () => {
  it("requires a field for one value of the condition property", () => {
    const shown = activeFields(form, { operation: "send" });
    expect(shown.find((f) => f.key === "channel")?.required).toBe(true);
  });

  it("hides a field that must be null for a value", () => {
    expect(activeFields(form, { operation: "delete" }).some((f) => f.key === "channel")).toBe(false);
  });
});

describe("initial values", () => {
  it("fills required fields and defaults only", () => {
    expect(initialConfig(schema)).toEqual({ url: "", operation: "send" });
  });

  it("picks the union variant from the discriminator", () => {
    const source = field("source");
    if (source.kind !== "union") throw new Error("not a union");
    expect(variantOf(source, { kind: "file" })).toBe(1);
    expect(variantOf(source, {})).toBe(0);
  });
});

describe("isTemplate", () => {
  it("accepts exactly one template and refuses mixed text", () => {
    expect(isTemplate("{{ input.items }}")).toBe(true);
    expect(isTemplate("id: {{ input.id }}")).toBe(false);
    expect(isTemplate(3)).toBe(false);
  });
});
