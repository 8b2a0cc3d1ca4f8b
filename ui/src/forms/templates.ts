// Template autocomplete (pure): `{{ node-id.field }}` paths of the nodes upstream of the edited node.
import { type JsonSchema, resolveRef } from "./schemaFields";

export interface GraphShape {
  nodes: { id: string; type: string }[];
  edges: { from: string; to: string; label?: string | null }[];
}

export interface TemplateSuggestion {
  /** The expression inside the braces, e.g. `fetch.body`. */
  path: string;
  /** The node it comes from (`input` for the execution input). */
  source: string;
  /** JSON type of the value, when the schema says. */
  type?: string;
  description?: string;
}

/** The body of a loop node: nodes reachable from its `body` out-edge without passing through the loop. */
export function loopBody(graph: GraphShape, loopId: string): Set<string> {
  const body = new Set<string>();
  const stack = graph.edges.filter((e) => e.from === loopId && e.label === "body").map((e) => e.to);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === loopId || body.has(id)) continue;
    body.add(id);
    for (const e of graph.edges) if (e.from === id) stack.push(e.to);
  }
  return body;
}

/**
 * The ids of every node with a path to `nodeId` (nearest first), not the node itself.
 * `loops` names the loop nodes: the back edge from a loop's body into the loop is not a "before".
 */
export function upstreamNodes(graph: GraphShape, nodeId: string, loops: ReadonlySet<string> = new Set()): string[] {
  const bodies = new Map([...loops].map((id) => [id, loopBody(graph, id)]));
  const preds = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (bodies.get(e.to)?.has(e.from)) continue;
    preds.set(e.to, [...(preds.get(e.to) ?? []), e.from]);
  }
  const seen = new Set<string>([nodeId]);
  const order: string[] = [];
  let frontier = [nodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const p of preds.get(id) ?? []) {
        if (seen.has(p)) continue;
        seen.add(p);
        order.push(p);
        next.push(p);
      }
    }
    frontier = next;
  }
  return order;
}

function typeName(s: JsonSchema): string | undefined {
  if (typeof s.type === "string") return s.type;
  const alternatives = (s.anyOf ?? s.oneOf ?? []).map((a) => a.type).filter((t): t is string => typeof t === "string" && t !== "null");
  return alternatives.length ? alternatives.join(" | ") : undefined;
}

function objectBranch(s: JsonSchema, root: JsonSchema): JsonSchema | undefined {
  if (s.properties) return s;
  const alternatives = (s.anyOf ?? s.oneOf ?? []).map((a) => resolveRef(a, root)).filter((a) => a.properties);
  return alternatives.length === 1 ? alternatives[0] : undefined;
}

/** Dotted field paths of an output schema (objects are followed `maxDepth` levels deep). */
export function outputPaths(schema: JsonSchema, maxDepth = 3): Omit<TemplateSuggestion, "source">[] {
  const paths: Omit<TemplateSuggestion, "source">[] = [];
  const walk = (node: JsonSchema, prefix: string, depth: number): void => {
    const object = objectBranch(resolveRef(node, schema), schema);
    if (!object?.properties || depth > maxDepth) return;
    for (const [key, child] of Object.entries(object.properties)) {
      const resolved = resolveRef(child, schema);
      const path = prefix ? `${prefix}.${key}` : key;
      const entry: Omit<TemplateSuggestion, "source"> = { path };
      const type = typeName(resolved) ?? (resolved.properties ? "object" : undefined);
      if (type) entry.type = type;
      if (resolved.description) entry.description = resolved.description;
      paths.push(entry);
      walk(resolved, path, depth + 1);
    }
  };
  walk(schema, "", 1);
  return paths;
}

/**
 * Suggestions for a node's templates: the execution input, `item`/`index` inside a loop body, then each
 * upstream node and its output fields. `kinds` maps node types to their kind (to find loops).
 */
export function templateSuggestions(
  graph: GraphShape,
  nodeId: string,
  outputSchemas: Readonly<Record<string, JsonSchema | undefined>>,
  kinds: Readonly<Record<string, string | undefined>> = {},
): TemplateSuggestion[] {
  const suggestions: TemplateSuggestion[] = [{ path: "input", source: "input", description: "The execution input" }];
  const types = new Map(graph.nodes.map((n) => [n.id, n.type]));
  const loops = new Set(graph.nodes.filter((n) => kinds[n.type] === "loop").map((n) => n.id));
  const inLoop = [...loops].find((id) => loopBody(graph, id).has(nodeId));
  if (inLoop) {
    suggestions.push(
      { path: "item", source: inLoop, description: `The current element of ${inLoop}` },
      { path: "index", source: inLoop, type: "integer", description: "Its position" },
    );
  }
  for (const id of upstreamNodes(graph, nodeId, loops)) {
    const type = types.get(id);
    if (!type) continue;
    suggestions.push({ path: id, source: id, type: "object", description: `Output of ${id} (${type})` });
    for (const p of outputPaths(outputSchemas[type] ?? {})) {
      suggestions.push({ ...p, path: `${id}.${p.path}`, source: id });
    }
  }
  return suggestions;
}

export interface CompletionContext {
  /** Index where the typed expression starts (after `{{` and spaces). */
  start: number;
  /** What was typed so far inside the braces. */
  prefix: string;
  /** A `}}` already follows the cursor. */
  closed: boolean;
}

/** The open template around the cursor, if the cursor is inside `{{ ... ` (else null). */
export function completionContext(text: string, cursor: number): CompletionContext | null {
  const before = text.slice(0, cursor);
  const open = before.lastIndexOf("{{");
  if (open < 0 || before.lastIndexOf("}}") > open) return null;
  let start = open + 2;
  while (start < cursor && /\s/.test(text[start]!)) start += 1;
  const prefix = text.slice(start, cursor);
  if (/[\s()+\-*/,=<>!&|]/.test(prefix.replace(/-/g, ""))) return null;
  return { start, prefix, closed: /^\s*\}\}/.test(text.slice(cursor)) };
}

/** Suggestions matching the typed prefix: paths that start with it first, then those containing it. */
export function filterSuggestions(suggestions: TemplateSuggestion[], prefix: string, limit = 20): TemplateSuggestion[] {
  const p = prefix.toLowerCase();
  const starts = suggestions.filter((s) => s.path.toLowerCase().startsWith(p));
  const contains = suggestions.filter((s) => !s.path.toLowerCase().startsWith(p) && s.path.toLowerCase().includes(p));
  return [...starts, ...contains].slice(0, limit);
}

/** Insert a chosen path at the completion context; closes the template when needed. */
export function applySuggestion(
  text: string,
  cursor: number,
  context: CompletionContext,
  path: string,
): { text: string; cursor: number } {
  const insert = context.closed ? path : `${path} }}`;
  const next = text.slice(0, context.start) + insert + text.slice(cursor);
  const at = context.start + (context.closed ? path.length : insert.length);
  return { text: next, cursor: at };
}
