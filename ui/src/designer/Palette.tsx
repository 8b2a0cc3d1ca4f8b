// The node palette: the catalogue by category with search; drag onto the canvas, or press Enter to add.
import { useMemo, useState } from "react";
import type { NodeTypeInfo } from "../api/types";
import { NodeIcon } from "../components/NodeIcon";
import { TextInput } from "../components/ui";

export const DRAG_TYPE = "application/x-deca-node-type";
const CATEGORY_ORDER = ["trigger", "core", "ai", "human", "deca", "integration"];
const CATEGORY_LABEL: Record<string, string> = {
  trigger: "Triggers",
  core: "Core",
  ai: "AI",
  human: "Human in the loop",
  deca: "DECA",
  integration: "Integrations",
};

/** Filter and group node types by category (pure). */
export function groupNodeTypes(types: NodeTypeInfo[], query: string): [string, NodeTypeInfo[]][] {
  const q = query.trim().toLowerCase();
  const matches = types.filter(
    (t) => !q || t.type.toLowerCase().includes(q) || t.description.toLowerCase().includes(q) || t.category.includes(q),
  );
  const groups = new Map<string, NodeTypeInfo[]>();
  for (const t of matches) groups.set(t.category, [...(groups.get(t.category) ?? []), t]);
  return [...groups.entries()].sort(([a], [b]) => CATEGORY_ORDER.indexOf(a) - CATEGORY_ORDER.indexOf(b));
}

/** A readable name of a node type: `http_request` → "Http request". */
export function typeLabel(type: string): string {
  const words = type.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function Palette({ types, onAdd }: { types: NodeTypeInfo[]; onAdd: (type: string) => void }) {
  const [query, setQuery] = useState("");
  const groups = useMemo(() => groupNodeTypes(types, query), [types, query]);
  return (
    <aside aria-label="Node palette" data-testid="palette" className="flex w-56 shrink-0 flex-col border-r border-slate-200 dark:border-slate-800">
      <div className="p-2">
        <label htmlFor="palette-search" className="sr-only">
          Search nodes
        </label>
        <TextInput id="palette-search" data-testid="palette-search" placeholder="Search nodes…" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      <div className="min-h-0 flex-1 overflow-auto px-2 pb-2">
        {groups.map(([category, items]) => (
          <section key={category} aria-labelledby={`palette-${category}`} className="mb-3">
            <h2 id={`palette-${category}`} className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
              {CATEGORY_LABEL[category] ?? category}
            </h2>
            <ul className="space-y-0.5">
              {items.map((t) => (
                <li key={t.type}>
                  <button
                    type="button"
                    draggable
                    data-testid={`palette-item-${t.type}`}
                    title={t.description}
                    aria-label={`Add ${typeLabel(t.type)} node: ${t.description}`}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(DRAG_TYPE, t.type);
                      e.dataTransfer.effectAllowed = "move";
                    }}
                    onClick={() => onAdd(t.type)}
                    className="flex w-full cursor-grab items-center gap-2 rounded-md px-2 py-1 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
                  >
                    <NodeIcon name={t.icon} />
                    <span className="truncate">{typeLabel(t.type)}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
        {groups.length === 0 && <p className="text-xs text-slate-500">No node matches “{query}”.</p>}
      </div>
    </aside>
  );
}
