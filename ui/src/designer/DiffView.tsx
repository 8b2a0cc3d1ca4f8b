// A readable structured diff of two flow versions (GET /flows/{id}/diff).
import type { FlowDiff } from "../api/types";

type Change = NonNullable<FlowDiff["metadata"]>[number];

const show = (v: unknown): string => (v === undefined ? "—" : JSON.stringify(v));

function Changes({ changes }: { changes: Change[] }) {
  return (
    <ul className="ml-4 list-disc">
      {changes.map((c) => (
        <li key={c.path}>
          <code>{c.path}</code>: <del className="text-rose-600">{show(c.before)}</del> → <ins className="text-emerald-700 no-underline dark:text-emerald-400">{show(c.after)}</ins>
        </li>
      ))}
    </ul>
  );
}

const idOf = (n: Record<string, unknown>): string => String(n.id ?? "?");
const edgeOf = (c: Record<string, unknown>): string =>
  `${String(c.from)} → ${String(c.to)}${c.label ? ` [${String(c.label)}]` : ""}`;

type Items = Record<string, unknown>[];

function ItemLines({ sign, what, items, describe }: { sign: "+" | "−"; what: string; items: Items; describe: (x: Record<string, unknown>) => string }) {
  const colour = sign === "+" ? "text-emerald-700 dark:text-emerald-400" : "text-rose-600";
  return (
    <>
      {items.map((x, i) => (
        <p key={`${sign}${what}${i}`} className={colour}>
          {sign} {what} <code>{describe(x)}</code>
        </p>
      ))}
    </>
  );
}

export function DiffView({ diff }: { diff: FlowDiff }) {
  const nodes = { added: diff.nodes.added ?? [], removed: diff.nodes.removed ?? [], changed: diff.nodes.changed ?? [] };
  const connections = { added: diff.connections.added ?? [], removed: diff.connections.removed ?? [] };
  const triggers = { added: diff.triggers.added ?? [], removed: diff.triggers.removed ?? [] };
  const metadata = diff.metadata ?? [];
  const settings = diff.settings ?? [];
  const count =
    nodes.added.length + nodes.removed.length + nodes.changed.length + connections.added.length +
    connections.removed.length + triggers.added.length + triggers.removed.length + metadata.length + settings.length;
  const node = (n: Record<string, unknown>): string => `${idOf(n)} (${String(n.type)})`;
  const trigger = (t: Record<string, unknown>): string => String(t.type) + (t.path ? ` ${String(t.path)}` : t.cron ? ` ${String(t.cron)}` : "");
  return (
    <div className="space-y-1 text-sm" data-testid="diff">
      <h3 className="font-semibold">
        v{diff.from_version} → v{diff.to_version}
      </h3>
      {count === 0 && <p className="text-slate-500">No differences.</p>}
      <ItemLines sign="+" what="node" items={nodes.added} describe={node} />
      <ItemLines sign="−" what="node" items={nodes.removed} describe={node} />
      {nodes.changed.map((n) => (
        <div key={`~${n.id}`}>
          ~ node <code>{n.id}</code>
          <Changes changes={n.changes ?? []} />
        </div>
      ))}
      <ItemLines sign="+" what="connection" items={connections.added} describe={edgeOf} />
      <ItemLines sign="−" what="connection" items={connections.removed} describe={edgeOf} />
      <ItemLines sign="+" what="trigger" items={triggers.added} describe={trigger} />
      <ItemLines sign="−" what="trigger" items={triggers.removed} describe={trigger} />
      {metadata.length > 0 && (
        <div>
          Flow <Changes changes={metadata} />
        </div>
      )}
      {settings.length > 0 && (
        <div>
          Settings <Changes changes={settings} />
        </div>
      )}
    </div>
  );
}
