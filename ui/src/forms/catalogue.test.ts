import { describe, expect, it } from "vitest";
import openapi from "../../openapi.json";
import { describeSchema, type JsonSchema } from "./schemaFields";

// Every node config schema the API publishes turns into an object form without falling back to raw JSON.
const schemas = (openapi as unknown as { components: { schemas: Record<string, JsonSchema> } }).components.schemas;
const configs = Object.entries(schemas).filter(([name]) => name.endsWith("Config"));

describe("node config schemas of the API", () => {
  it("has node configs to check", () => {
    expect(configs.length).toBeGreaterThan(20);
  });

  it.each(configs)("%s becomes an object form", (_name, schema) => {
    const form = describeSchema(schema, openapi as unknown as JsonSchema);
    expect(form.kind).toBe("object");
  });

  it("finds the credential picker of http_request auth", () => {
    const form = describeSchema(schemas.HttpRequestConfig!, openapi as unknown as JsonSchema);
    const auth = form.kind === "object" ? form.fields.find((f) => f.key === "auth") : undefined;
    expect(auth?.kind === "object" && auth.fields.find((f) => f.key === "credential_id")?.kind).toBe("credential");
  });
});

describe("flow-level schemas", () => {
  it("renders settings with the error strategy choices", async () => {
    const { SETTINGS_SCHEMA } = await import("./flowSchemas");
    const { describeConfig } = await import("./schemaFields");
    const strategy = describeConfig(SETTINGS_SCHEMA).fields.find((f) => f.key === "error_strategy");
    expect(strategy).toMatchObject({ kind: "enum", default: "stop_on_error" });
  });

  it("makes retry an optional object block", async () => {
    const { RETRY_SCHEMA } = await import("./flowSchemas");
    expect(describeSchema(RETRY_SCHEMA, RETRY_SCHEMA, "retry")).toMatchObject({ kind: "object", nullable: true, label: "Retry" });
  });
});
