// Save the canvas as the next version, with an optional comment.
import { useState } from "react";
import { Modal } from "../components/Modal";
import { Button, FieldRow, TextInput } from "../components/ui";

export function SaveDialog({
  open,
  onOpenChange,
  onSave,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onSave: (comment: string) => void;
}) {
  const [comment, setComment] = useState("");
  return (
    <Modal open={open} onOpenChange={onOpenChange} title="Save as a new version">
      <form
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          onSave(comment.trim());
          setComment("");
          onOpenChange(false);
        }}
      >
        <FieldRow id="save-comment" label="Comment (optional)">
          <TextInput id="save-comment" data-testid="save-comment" value={comment} maxLength={500} onChange={(e) => setComment(e.target.value)} />
        </FieldRow>
        <Button type="submit" variant="primary" data-testid="save-submit">
          Save version
        </Button>
      </form>
    </Modal>
  );
}
