// Compile and validation errors from the API placed on the node or connection they point at (pure).
import type { ErrorDetail } from "../api/types";

export interface PlacedErrors {
  /** Messages per node id (the field path inside the node is kept in front of the message). */
  nodes: Record<string, string[]>;
  /** Messages per connection index. */
  connections: Record<number, string[]>;
  /** Messages about the flow as a whole (triggers, settings, ids). */
  flow: string[];
}

const NODE_PATH = /^(?:body\.)?nodes\[(?:(\d+)|id=([^\]]+))\](?:\.(.*))?$/;
const CONNECTION_PATH = /^(?:body\.)?connections\[(\d+)\](?:\.(.*))?$/;

/** Group error details by the node (by position in `nodeIds`) or connection their path names. */
export function placeErrors(details: ErrorDetail[], nodeIds: string[]): PlacedErrors {
  const placed: PlacedErrors = { nodes: {}, connections: {}, flow: [] };
  for (const d of details) {
    const node = NODE_PATH.exec(d.path);
    const id = node ? (node[2] ?? nodeIds[Number(node[1])]) : undefined;
    if (node && id !== undefined && nodeIds.includes(id)) {
      (placed.nodes[id] ??= []).push(node[3] ? `${node[3]}: ${d.message}` : d.message);
      continue;
    }
    const conn = CONNECTION_PATH.exec(d.path);
    if (conn) {
      (placed.connections[Number(conn[1])] ??= []).push(conn[2] ? `${conn[2]}: ${d.message}` : d.message);
      continue;
    }
    placed.flow.push(d.path ? `${d.path.replace(/^body\.?/, "")}: ${d.message}` : d.message);
  }
  return placed;
}

/** No errors at all. */
export const NO_ERRORS: PlacedErrors = { nodes: {}, connections: {}, flow: [] };

/** Total number of messages. */
export function errorCount(errors: PlacedErrors): number {
  return (
    Object.values(errors.nodes).reduce((n, m) => n + m.length, 0) +
    Object.values(errors.connections).reduce((n, m) => n + m.length, 0) +
    errors.flow.length
  );
}
