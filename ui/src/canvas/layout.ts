// Layered auto-layout (left to right): rank = longest path from a source, order within a rank by barycenter.

export interface LayoutInput {
  nodes: { id: string }[];
  edges: { from: string; to: string }[];
}

export interface LayoutOptions {
  columnGap?: number;
  rowGap?: number;
  origin?: { x: number; y: number };
}

/** Positions for every node: ranks become columns, nodes of a rank are stacked in rows. */
export function layeredLayout(input: LayoutInput, options: LayoutOptions = {}): Record<string, { x: number; y: number }> {
  const { columnGap = 260, rowGap = 120, origin = { x: 0, y: 0 } } = options;
  const ids = input.nodes.map((n) => n.id);
  const known = new Set(ids);
  const edges = input.edges.filter((e) => known.has(e.from) && known.has(e.to) && e.from !== e.to);
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    preds.get(e.to)!.push(e.from);
  }

  // Longest-path ranks over a DFS that ignores back edges, so a cycle cannot loop forever.
  const rank = new Map<string, number>();
  const onStack = new Set<string>();
  const visit = (id: string): number => {
    const ranked = rank.get(id);
    if (ranked !== undefined) return ranked;
    onStack.add(id);
    let r = 0;
    for (const p of preds.get(id)!) if (!onStack.has(p)) r = Math.max(r, visit(p) + 1);
    onStack.delete(id);
    rank.set(id, r);
    return r;
  };
  ids.forEach(visit);

  const columns: string[][] = [];
  for (const id of ids) (columns[rank.get(id)!] ??= []).push(id);
  const row = new Map<string, number>();
  columns.forEach((column, c) => {
    if (c > 0) {
      const bary = (id: string): number => {
        const ps = preds.get(id)!.filter((p) => row.has(p));
        return ps.length ? ps.reduce((sum, p) => sum + row.get(p)!, 0) / ps.length : Number.MAX_SAFE_INTEGER;
      };
      column.sort((a, b) => bary(a) - bary(b));
    }
    column.forEach((id, r) => row.set(id, r));
  });

  const positions: Record<string, { x: number; y: number }> = {};
  columns.forEach((column, c) => {
    const offset = ((column.length - 1) * rowGap) / 2;
    column.forEach((id, r) => {
      positions[id] = { x: origin.x + c * columnGap, y: origin.y + r * rowGap - offset };
    });
  });
  return positions;
}
