// The branch labels an out-edge of a node can carry, by the node's kind (see the flow format's graph semantics).

/** Label choices for a connection leaving a node of this kind and config. */
export function edgeLabelOptions(kind: string | undefined, config: Record<string, unknown>): string[] {
  switch (kind) {
    case "condition":
      return ["true", "false"];
    case "switch": {
      const cases = Array.isArray(config.cases) ? config.cases : [];
      const names = cases
        .map((c) => (c && typeof c === "object" ? (c as Record<string, unknown>).name : undefined))
        .filter((n): n is string => typeof n === "string" && n.length > 0);
      return [...names, "default"];
    }
    case "loop":
      return ["body", "done"];
    default:
      return [];
  }
}
