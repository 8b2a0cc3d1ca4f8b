// Side panel of the selected connection: its condition (a template) and branch label.
import type { CanvasEdge } from "../canvas/document";
import { Button, FieldRow, TextInput } from "../components/ui";
import { TemplateInput } from "../forms/TemplateInput";

export function EdgePanel({
  edge,
  errors,
  onChange,
  onDelete,
  labelOptions,
}: {
  edge: CanvasEdge;
  errors: string[];
  onChange: (patch: Partial<Pick<CanvasEdge, "condition" | "label">>) => void;
  onDelete: () => void;
  labelOptions: string[];
}) {
  return (
    <div className="space-y-3" data-testid="edge-panel">
      <h2 className="text-sm font-semibold">
        Connection <code>{edge.from}</code> → <code>{edge.to}</code>
      </h2>
      {errors.length > 0 && (
        <ul role="alert" className="list-disc pl-5 text-xs text-rose-600">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <FieldRow id="edge-condition" label="Condition" description="Boolean template; the first true out-edge is taken, e.g. {{ input.amount > 100 }}">
        <TemplateInput
          id="edge-condition"
          testId="edge-condition"
          describedBy="edge-condition-help"
          value={edge.condition ?? ""}
          onChange={(v) => onChange({ condition: v || null })}
        />
      </FieldRow>
      <FieldRow id="edge-label" label="Label" description="Branch or case name (true/false, a switch case, loop body)">
        <TextInput
          id="edge-label"
          data-testid="edge-label"
          aria-describedby="edge-label-help"
          list={labelOptions.length ? "edge-label-options" : undefined}
          value={edge.label ?? ""}
          onChange={(e) => onChange({ label: e.target.value || null })}
        />
        {labelOptions.length > 0 && (
          <datalist id="edge-label-options">
            {labelOptions.map((o) => (
              <option key={o} value={o} />
            ))}
          </datalist>
        )}
      </FieldRow>
      <Button variant="danger" data-testid="delete-edge" onClick={onDelete}>
        Delete connection
      </Button>
    </div>
  );
}
