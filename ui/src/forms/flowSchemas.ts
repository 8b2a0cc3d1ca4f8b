// Flow-level JSON Schemas generated from the API (see scripts/gen-api-types.mjs): settings, retry, on_error.
import generated from "../api/flow-schemas.json";
import type { JsonSchema } from "./schemaFields";

const schemas = generated as unknown as Record<"Settings" | "RetryPolicy" | "OnError", JsonSchema>;

/** A schema that also accepts null (an optional block the user can set or clear). */
const optional = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: "null" }], title: schema.title });

export const SETTINGS_SCHEMA: JsonSchema = schemas.Settings;
export const RETRY_SCHEMA: JsonSchema = optional({ ...schemas.RetryPolicy, title: "Retry" });
export const ON_ERROR_SCHEMA: JsonSchema = optional({ ...schemas.OnError, title: "On error" });
