// Start the published version with a JSON input.
import { useState } from "react";
import { Modal } from "../components/Modal";
import { Button, FieldRow, TextArea } from "../components/ui";
import { initialConfig, type JsonSchema } from "../forms/schemaFields";

export function RunDialog({
  open,
  onOpenChange,
  onRun,
  inputSchema,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onRun: (input: Record<string, unknown>) => void;
  /** The flow's `input_schema`: its required fields and defaults prefill the input. */
  inputSchema?: JsonSchema | null | undefined;
}) {
  const [text, setText] = useState(() => JSON.stringify(inputSchema ? initialConfig(inputSchema) : {}, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Run the published version">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          try {
            const input = JSON.parse(text) as unknown;
            if (!input || typeof input !== "object" || Array.isArray(input)) throw new Error("not an object");
            setError(null);
            onRun(input as Record<string, unknown>);
            onOpenChange(false);
          } catch {
            setError("The input must be a JSON object");
          }
        }}
      >
        <FieldRow id="run-input" label="Input (JSON object)" error={error ?? undefined}>
          <TextArea id="run-input" data-testid="run-input" rows={8} value={text} onChange={(e) => setText(e.target.value)} />
        </FieldRow>
        <Button type="submit" variant="primary" data-testid="run-submit">
          Run
        </Button>
      </form>
    </Modal>
  );
}
