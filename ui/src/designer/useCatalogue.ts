import { useMemo } from "react";
import { useApi } from "../api/ApiProvider";
import type { NodeTypeInfo } from "../api/types";
import type { JsonSchema } from "../forms/schemaFields";
import { useAsync } from "../hooks/useAsync";

export interface Catalogue {
  types: NodeTypeInfo[];
  byType: Map<string, NodeTypeInfo>;
  outputSchemas: Record<string, JsonSchema>;
  kinds: Record<string, string>;
}

/** The API's node catalogue (GET /nodes), indexed by type. */
export function useCatalogue(): { catalogue: Catalogue | undefined; error: Error | undefined } {
  const api = useApi();
  const { data, error } = useAsync(() => api.nodeTypes(), [api]);
  const catalogue = useMemo(
    () =>
      data && {
        types: data,
        byType: new Map(data.map((t) => [t.type, t])),
        outputSchemas: Object.fromEntries(data.map((t) => [t.type, t.output_schema as JsonSchema])),
        kinds: Object.fromEntries(data.map((t) => [t.type, t.kind])),
      },
    [data],
  );
  return { catalogue, error };
}
