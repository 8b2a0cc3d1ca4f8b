// A text field that autocompletes `{{ node.field }}` templates from the nodes upstream.
import { type KeyboardEvent, useId, useRef, useState } from "react";
import { applySuggestion, type CompletionContext, completionContext, filterSuggestions, type TemplateSuggestion } from "./templates";
import { useFormEnvironment } from "./FormContext";

const FIELD =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";

export interface TemplateInputProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  multiline?: boolean;
  placeholder?: string;
  required?: boolean;
  describedBy?: string | undefined;
  testId?: string;
}

/** Text input with a template suggestion list (arrow keys, Enter/Tab to insert, Escape to close). */
export function TemplateInput({ id, value, onChange, multiline, placeholder, required, describedBy, testId }: TemplateInputProps) {
  const { suggestions } = useFormEnvironment();
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const listId = useId();
  const [open, setOpen] = useState<{ ctx: CompletionContext; items: TemplateSuggestion[] } | null>(null);
  const [active, setActive] = useState(0);

  const refresh = (text: string, cursor: number): void => {
    const ctx = completionContext(text, cursor);
    const items = ctx ? filterSuggestions(suggestions, ctx.prefix) : [];
    setOpen(ctx && items.length ? { ctx, items } : null);
    setActive(0);
  };

  const choose = (s: TemplateSuggestion): void => {
    const el = ref.current;
    if (!el || !open) return;
    const cursor = el.selectionStart ?? value.length;
    const next = applySuggestion(value, cursor, open.ctx, s.path);
    onChange(next.text);
    setOpen(null);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(next.cursor, next.cursor);
    });
  };

  const onKeyDown = (e: KeyboardEvent): void => {
    if (!open) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => (a + step + open.items.length) % open.items.length);
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      const item = open.items[active];
      if (item) choose(item);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setOpen(null);
    }
  };

  const common = {
    id,
    ref,
    value,
    placeholder,
    required,
    "data-testid": testId,
    "aria-describedby": describedBy,
    "aria-autocomplete": "list" as const,
    "aria-controls": open ? listId : undefined,
    "aria-expanded": open !== null,
    "aria-activedescendant": open ? `${listId}-${active}` : undefined,
    role: "combobox",
    className: `${FIELD} ${multiline ? "min-h-20 font-mono" : ""}`,
    onChange: (e: { target: { value: string; selectionStart: number | null } }) => {
      onChange(e.target.value);
      refresh(e.target.value, e.target.selectionStart ?? e.target.value.length);
    },
    onKeyDown,
    onBlur: () => setTimeout(() => setOpen(null), 150),
  };

  return (
    <div className="relative">
      {multiline ? <textarea {...common} rows={4} /> : <input {...common} type="text" autoComplete="off" />}
      {open && (
        <ul
          id={listId}
          role="listbox"
          data-testid="template-suggestions"
          className="absolute z-30 mt-1 max-h-56 w-full overflow-auto rounded-md border border-slate-200 bg-white text-xs shadow-lg dark:border-slate-700 dark:bg-slate-900"
        >
          {open.items.map((s, i) => (
            <li
              key={s.path}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(s);
              }}
              className={`cursor-pointer px-2 py-1 ${i === active ? "bg-sky-100 dark:bg-sky-900" : ""}`}
            >
              <code>{s.path}</code>
              {s.type && <span className="ml-2 text-slate-500">{s.type}</span>}
              {s.description && <div className="truncate text-slate-500">{s.description}</div>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
