// Named aliases over the generated OpenAPI types (never hand-written shapes).
import type { components } from "./schema";

type Schemas = components["schemas"];

export type FlowDocument = Schemas["Flow"];
export type FlowNode = FlowDocument["nodes"][number];
export type FlowConnection = Schemas["Connection"];
export type FlowTrigger = NonNullable<FlowDocument["triggers"]>[number];
export type NodeTypeInfo = Schemas["NodeTypeInfo"];
export type NodeCategory = NodeTypeInfo["category"];
export type FlowRecord = Schemas["FlowRecord"];
export type FlowDetail = Schemas["FlowDetail"];
export type FlowCheck = Schemas["FlowCheck"];
export type FlowVersion = Schemas["FlowVersion"];
export type FlowDiff = Schemas["FlowDiff"];
export type ExecutionRecord = Schemas["ExecutionRecord"];
export type ExecutionStatus = NonNullable<ExecutionRecord["status"]>;
export type ExecutionDetail = Schemas["ExecutionDetail"];
export type NodeResult = Schemas["NodeResult"];
export type HistoryEvent = Schemas["HistoryEvent"];
export type StartExecution = Schemas["StartExecution"];
export type CredentialInfo = Schemas["CredentialInfo"];
export type CredentialCreate = Schemas["CredentialCreate"];
export type CredentialRotate = Schemas["CredentialRotate"];
export type ScheduleInfo = Schemas["ScheduleInfo"];
export type WebhookInfo = Schemas["WebhookInfo"];
export type CurrentWorkspace = Schemas["CurrentWorkspace"];
export type WorkspaceMembership = Schemas["WorkspaceMembership"];
export type Agent = Schemas["Agent"];
export type AgentDefinition = Schemas["AgentDefinition"];
export type ErrorBody = Schemas["ErrorBody"];
export type ErrorDetail = Schemas["ErrorDetail"];

/** A listing page: `{items, next_cursor}`. */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}
