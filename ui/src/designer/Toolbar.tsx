import type { ReactNode } from "react";
import { Button } from "../components/ui";

/** A labelled group of toolbar buttons. */
export function ToolbarGroup({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="group" aria-label={label} className="flex items-center gap-1">
      {children}
    </div>
  );
}

export interface ToolbarProps {
  canUndo: boolean;
  canRedo: boolean;
  dirty: boolean;
  saving: boolean;
  checking: boolean;
  errorCount: number;
  isNew: boolean;
  version: number | null;
  publishedVersion: number | null | undefined;
  onUndo: () => void;
  onRedo: () => void;
  onLayout: () => void;
  canCopy: boolean;
  canPaste: boolean;
  onCopy: () => void;
  onPaste: () => void;
  onSave: () => void;
  onVersions: () => void;
  onPublish: () => void;
  onRun: () => void;
  onExport: () => void;
  onImport: (file: File) => void;
  /** Link to this flow's executions (existing flows only). */
  executionsHref?: string | undefined;
}

/** The designer's actions: history, layout, save/versions/publish, import/export, run. */
export function Toolbar(p: ToolbarProps) {
  return (
    <div role="toolbar" aria-label="Flow designer" className="flex flex-wrap items-center gap-3 border-b border-slate-200 px-3 py-2 dark:border-slate-800">
      <ToolbarGroup label="Edit">
        <Button data-testid="undo" aria-label="Undo (Ctrl+Z)" disabled={!p.canUndo} onClick={p.onUndo}>
          ↶
        </Button>
        <Button data-testid="redo" aria-label="Redo (Ctrl+Shift+Z)" disabled={!p.canRedo} onClick={p.onRedo}>
          ↷
        </Button>
        <Button data-testid="copy" aria-label="Copy selected nodes (Ctrl+C)" disabled={!p.canCopy} onClick={p.onCopy}>
          Copy
        </Button>
        <Button data-testid="paste" aria-label="Paste (Ctrl+V)" disabled={!p.canPaste} onClick={p.onPaste}>
          Paste
        </Button>
        <Button data-testid="auto-layout" onClick={p.onLayout}>
          Auto-layout
        </Button>
      </ToolbarGroup>
      <ToolbarGroup label="Versions">
        <Button variant="primary" data-testid="save" disabled={p.saving} onClick={p.onSave}>
          {p.isNew ? "Create flow" : "Save version"}
        </Button>
        {!p.isNew && (
          <>
            <Button data-testid="versions" onClick={p.onVersions}>
              History
            </Button>
            <Button data-testid="publish" disabled={p.dirty} onClick={p.onPublish} title={p.dirty ? "Save first" : undefined}>
              Publish v{p.version}
            </Button>
          </>
        )}
      </ToolbarGroup>
      <ToolbarGroup label="File">
        <Button data-testid="export" onClick={p.onExport}>
          Export
        </Button>
        <label className="inline-flex cursor-pointer items-center rounded-md border border-slate-300 px-2.5 py-1.5 text-sm font-medium hover:bg-slate-50 focus-within:outline-2 dark:border-slate-700 dark:hover:bg-slate-800">
          Import
          <input
            type="file"
            accept="application/json,.json"
            className="sr-only"
            data-testid="import-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) p.onImport(file);
              e.target.value = "";
            }}
          />
        </label>
      </ToolbarGroup>
      {!p.isNew && (
        <ToolbarGroup label="Run">
          <Button data-testid="run" disabled={!p.publishedVersion} title={p.publishedVersion ? undefined : "Publish first"} onClick={p.onRun}>
            ▶ Run{p.publishedVersion ? ` v${p.publishedVersion}` : ""}
          </Button>
          {p.executionsHref && (
            <a href={p.executionsHref} data-testid="flow-executions" className="rounded-md px-2 py-1.5 text-sm underline-offset-2 hover:underline">
              Executions
            </a>
          )}
        </ToolbarGroup>
      )}
      <div className="ml-auto text-xs" aria-live="polite" data-testid="validation-status">
        {p.checking ? (
          <span className="text-slate-500">Checking…</span>
        ) : p.errorCount > 0 ? (
          <span className="text-rose-600">{p.errorCount} problem{p.errorCount === 1 ? "" : "s"}</span>
        ) : (
          <span className="text-emerald-600">Valid</span>
        )}
        {p.dirty && <span className="ml-2 text-amber-600">Unsaved changes</span>}
      </div>
    </div>
  );
}
