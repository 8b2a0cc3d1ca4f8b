// The flow designer: palette, canvas, inspector; save, versions, publish, import/export, run with live status.
import { ReactFlowProvider } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useReducer, useState } from "react";
import { useApi } from "../api/ApiProvider";
import type { FlowDocument, FlowRecord } from "../api/types";
import { routeHash } from "../app/routes";
import { navigate } from "../hooks/useHashRoute";
import { canvasDocument, canvasReducer, initCanvas } from "../canvas/store";
import { ErrorBanner } from "../components/ui";
import { FlowCanvas } from "../designer/FlowCanvas";
import { downloadJson, exportFile, flowFromFile } from "../designer/fileio";
import { Inspector } from "../designer/Inspector";
import { Palette } from "../designer/Palette";
import { RunDialog } from "../designer/RunDialog";
import { SaveDialog } from "../designer/SaveDialog";
import { Toolbar } from "../designer/Toolbar";
import { useCatalogue } from "../designer/useCatalogue";
import { useValidation } from "../designer/useValidation";
import { errorCount } from "../designer/validation";
import { VersionsDialog } from "../designer/VersionsDialog";
import { RunBar } from "../execution/RunBar";
import { nodeErrors, nodeStatuses } from "../execution/status";
import { useExecutionRun } from "../execution/useExecutionRun";
import { initialConfig, type JsonSchema } from "../forms/schemaFields";
import { useAsync } from "../hooks/useAsync";

const BLANK: FlowDocument = { id: "", name: "Untitled flow", nodes: [], connections: [], triggers: [] } as unknown as FlowDocument;

export function DesignerView({ flowId }: { flowId: string | null }) {
  const api = useApi();
  const { catalogue, error: catalogueError } = useCatalogue();
  const credentials = useAsync(() => api.listCredentials().catch(() => ({ items: [] })), [api]);
  const workspace = useAsync(() => api.workspace(), [api]);
  const [state, dispatch] = useReducer(canvasReducer, BLANK, initCanvas);
  const [record, setRecord] = useState<FlowRecord | null>(null);
  const [version, setVersion] = useState<number | null>(null);
  const [saved, setSaved] = useState(() => JSON.stringify(canvasDocument(initCanvas(BLANK))));
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [runOpen, setRunOpen] = useState(false);
  const [saveOpen, setSaveOpen] = useState(false);
  const run = useExecutionRun();

  const load = useCallback((doc: FlowDocument, v: number | null) => {
    dispatch({ type: "load", doc });
    setSaved(JSON.stringify(canvasDocument(initCanvas(doc))));
    setVersion(v);
  }, []);

  useEffect(() => {
    if (!flowId) return;
    api.getFlow(flowId).then(
      (detail) => {
        setRecord(detail.flow);
        load(detail.definition as unknown as FlowDocument, detail.version);
      },
      setLoadError,
    );
  }, [api, flowId, load]);

  const doc = useMemo(() => canvasDocument(state), [state]);
  const { errors, checking } = useValidation(doc);
  const docJson = useMemo(() => JSON.stringify(doc), [doc]);
  const dirty = docJson !== saved;
  const statuses = useMemo(
    () => (run.detail ? nodeStatuses(state.graph.nodes.map((n) => n.id), run.detail) : undefined),
    [run.detail, state.graph.nodes],
  );
  const runErrors = useMemo(() => (run.detail ? nodeErrors(run.detail) : undefined), [run.detail]);

  // Leaving the page with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent): void => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const addType = useCallback(
    (type: string, position?: { x: number; y: number }) => {
      const info = catalogue?.byType.get(type);
      const config = info ? initialConfig(info.config_schema as JsonSchema) : {};
      const at = position ?? { x: 80 + state.graph.nodes.length * 30, y: 80 + state.graph.nodes.length * 30 };
      dispatch({ type: "addNode", nodeType: type, position: at, config });
    },
    [catalogue, state.graph.nodes.length],
  );

  const act = async (action: () => Promise<void>): Promise<void> => {
    setActionError(null);
    setNotice(null);
    try {
      await action();
    } catch (e) {
      setActionError(e);
    }
  };

  const save = (comment?: string) =>
    act(async () => {
      setSaving(true);
      try {
        if (!flowId) {
          await api.createFlow(doc);
          setSaved(docJson);
          navigate({ name: "designer", flowId: doc.id });
          return;
        }
        const detail = await api.saveFlow(doc, { comment: comment || undefined, baseVersion: version ?? undefined });
        setRecord(detail.flow);
        setVersion(detail.version);
        setSaved(docJson);
        setNotice(`Saved version ${detail.version}`);
      } finally {
        setSaving(false);
      }
    });

  const publish = () =>
    act(async () => {
      if (!flowId || version === null) return;
      await api.publish(flowId, version);
      const detail = await api.getFlow(flowId);
      setRecord(detail.flow);
      setNotice(`Published version ${version}`);
    });

  const startRun = (input: Record<string, unknown>) =>
    act(async () => {
      if (!flowId) return;
      const detail = await api.startExecution(flowId, { input, mode: "async", timeout_seconds: 30 });
      run.follow(detail.execution.execution_id, detail);
    });

  const importFile = (file: File) =>
    act(async () => {
      const imported = flowFromFile(JSON.parse(await file.text()));
      dispatch({ type: "load", doc: flowId ? { ...imported, id: flowId } : imported });
      setNotice(`Loaded ${file.name}; save to keep it`);
    });

  if (loadError) return <div className="p-4"><ErrorBanner error={loadError} /></div>;
  if (catalogueError) return <div className="p-4"><ErrorBanner error={catalogueError} /></div>;
  if (!catalogue || (flowId && version === null)) return <p className="p-4 text-sm">Loading…</p>;

  return (
    <div className="flex h-full flex-col" data-testid="designer">
      <Toolbar
        canUndo={state.past.length > 0}
        canRedo={state.future.length > 0}
        dirty={dirty}
        saving={saving}
        checking={checking}
        errorCount={errorCount(errors)}
        isNew={!flowId}
        version={version}
        publishedVersion={record?.published_version}
        onUndo={() => dispatch({ type: "undo" })}
        onRedo={() => dispatch({ type: "redo" })}
        onLayout={() => dispatch({ type: "autoLayout" })}
        canCopy={state.selection.nodes.length > 0}
        canPaste={(state.clipboard?.nodes.length ?? 0) > 0}
        onCopy={() => dispatch({ type: "copy" })}
        onPaste={() => dispatch({ type: "paste" })}
        onSave={() => (flowId ? setSaveOpen(true) : void save())}
        onVersions={() => setVersionsOpen(true)}
        onPublish={() => void publish()}
        onRun={() => setRunOpen(true)}
        onExport={() => downloadJson(`${doc.id || "flow"}.json`, exportFile(doc, version, new Date()))}
        onImport={(f) => void importFile(f)}
        executionsHref={flowId ? routeHash({ name: "executions", flowId }) : undefined}
      />
      {(actionError != null || notice) && (
        <div className="px-3 py-1" aria-live="polite">
          {actionError != null ? <ErrorBanner error={actionError} /> : <p className="text-sm text-emerald-700 dark:text-emerald-400">{notice}</p>}
        </div>
      )}
      <RunBar run={run} />
      <div className="flex min-h-0 flex-1">
        <Palette types={catalogue.types} onAdd={(t) => addType(t)} />
        <main className="min-w-0 flex-1">
          <ReactFlowProvider>
            <FlowCanvas state={state} dispatch={dispatch} byType={catalogue.byType} errors={errors} statuses={statuses} runErrors={runErrors} onAddType={addType} />
          </ReactFlowProvider>
        </main>
        <Inspector
          state={state}
          dispatch={dispatch}
          catalogue={catalogue}
          credentials={credentials.data?.items ?? []}
          errors={errors}
          run={run.detail}
          isNew={!flowId}
          workspaceId={workspace.data?.workspace.workspace_id ?? "local"}
        />
      </div>
      {flowId && (
        <VersionsDialog
          flowId={flowId}
          open={versionsOpen}
          onOpenChange={setVersionsOpen}
          onOpenVersion={(d, v) => {
            dispatch({ type: "load", doc: d });
            setNotice(`Opened version ${v}; saving makes it the newest version`);
          }}
        />
      )}
      <SaveDialog open={saveOpen} onOpenChange={setSaveOpen} onSave={(comment) => void save(comment)} />
      <RunDialog inputSchema={state.graph.meta.input_schema as JsonSchema | null | undefined} open={runOpen} onOpenChange={setRunOpen} onRun={(input) => void startRun(input)} />
    </div>
  );
}
