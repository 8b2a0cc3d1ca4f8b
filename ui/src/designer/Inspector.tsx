// The right-hand panel: the selected node (config and last run), connection, or the flow itself.
import * as Tabs from "@radix-ui/react-tabs";
import type { CredentialInfo, ExecutionDetail } from "../api/types";
import type { CanvasAction, CanvasState } from "../canvas/store";
import { nodeResultWithError } from "../execution/status";
import { NodeResultView } from "../execution/NodeResultView";
import { FormContext } from "../forms/FormContext";
import { templateSuggestions } from "../forms/templates";
import { EdgePanel } from "./EdgePanel";
import { edgeLabelOptions } from "./edgeLabels";
import { FlowPanel } from "./FlowPanel";
import { NodePanel } from "./NodePanel";
import type { Catalogue } from "./useCatalogue";
import type { PlacedErrors } from "./validation";

const TAB = "rounded px-2 py-1 text-xs data-[state=active]:bg-slate-200 dark:data-[state=active]:bg-slate-800";

export function Inspector({
  state,
  dispatch,
  catalogue,
  credentials,
  errors,
  run,
  isNew,
  workspaceId,
}: {
  state: CanvasState;
  dispatch: (action: CanvasAction) => void;
  catalogue: Catalogue;
  credentials: CredentialInfo[];
  errors: PlacedErrors;
  run: ExecutionDetail | null;
  isNew: boolean;
  workspaceId: string;
}) {
  const { graph, selection } = state;
  const node = selection.nodes.length === 1 ? graph.nodes.find((n) => n.id === selection.nodes[0]) : undefined;
  const edgeIndex = !node && selection.edges.length === 1 ? graph.edges.findIndex((e) => e.id === selection.edges[0]) : -1;
  const edge = edgeIndex >= 0 ? graph.edges[edgeIndex] : undefined;
  const target = node?.id ?? edge?.from;
  const source = edge ? graph.nodes.find((n) => n.id === edge.from) : undefined;
  const sourceType = source?.type;
  const sourceConfig = source?.config ?? {};
  const suggestions = target
    ? templateSuggestions(graph, target, catalogue.outputSchemas, catalogue.kinds).concat(
        // a connection's condition also sees its source node's output
        edge ? templateSuggestions(graph, edge.to, catalogue.outputSchemas, catalogue.kinds).filter((s) => s.source === edge.from) : [],
      )
    : [];

  let body;
  if (node) {
    const panel = (
      <NodePanel
        node={node}
        info={catalogue.byType.get(node.type)}
        errors={errors.nodes[node.id] ?? []}
        onConfig={(config) => dispatch({ type: "updateConfig", id: node.id, config })}
        onFields={(patch) => dispatch({ type: "updateNodeFields", id: node.id, patch })}
        onDelete={() => dispatch({ type: "deleteNodes", ids: [node.id] })}
      />
    );
    body = run ? (
      <Tabs.Root defaultValue="run">
        <Tabs.List aria-label="Node details" className="mb-3 flex gap-1">
          <Tabs.Trigger value="run" className={TAB} data-testid="tab-run">
            Last run
          </Tabs.Trigger>
          <Tabs.Trigger value="config" className={TAB} data-testid="tab-config">
            Configuration
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="run">
          <NodeResultView nodeId={node.id} result={nodeResultWithError(run, node.id)} />
        </Tabs.Content>
        <Tabs.Content value="config">{panel}</Tabs.Content>
      </Tabs.Root>
    ) : (
      panel
    );
  } else if (edge) {
    body = (
      <EdgePanel edge={edge} errors={errors.connections[edgeIndex] ?? []} onChange={(patch) => dispatch({ type: "updateEdge", id: edge.id, patch })}
        onDelete={() => dispatch({ type: "deleteEdges", ids: [edge.id] })}
        labelOptions={edgeLabelOptions(catalogue.byType.get(sourceType ?? "")?.kind, sourceConfig)}
      />
    );
  } else {
    body = (
      <FlowPanel
        meta={graph.meta}
        isNew={isNew}
        workspaceId={workspaceId}
        errors={errors.flow}
        onChange={(patch) => dispatch({ type: "updateMeta", patch })}
      />
    );
  }
  return (
    <aside aria-label="Inspector" data-testid="inspector" className="w-80 shrink-0 overflow-auto border-l border-slate-200 p-3 dark:border-slate-800">
      <FormContext.Provider value={{ suggestions, credentials }}>{body}</FormContext.Provider>
    </aside>
  );
}
