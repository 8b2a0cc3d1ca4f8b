// A thin typed fetch layer over the generated OpenAPI types: one helper per route the studio uses.
import type {
  Agent,
  AgentDefinition,
  CredentialCreate,
  CredentialInfo,
  CredentialRotate,
  CurrentWorkspace,
  ErrorDetail,
  ExecutionDetail,
  ExecutionRecord,
  ExecutionStatus,
  FlowCheck,
  FlowDetail,
  FlowDiff,
  FlowDocument,
  FlowRecord,
  FlowVersion,
  HistoryEvent,
  NodeTypeInfo,
  Page,
  ScheduleInfo,
  StartExecution,
  WebhookInfo,
  WorkspaceMembership,
} from "./types";

/** An API error with the stable `{error: {code, message, details}}` body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ClientOptions {
  baseUrl: string;
  getToken: () => Promise<string | null> | string | null;
  fetchImpl?: typeof fetch;
  /** Called on a 401 (expired or revoked token), before the error is thrown. */
  onUnauthorized?: () => void;
}

type Query = Record<string, string | number | boolean | null | undefined>;

function queryString(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Parse an error response into an ApiError (falls back to the status text). */
export async function toApiError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: ErrorDetail[] } };
    if (body.error) {
      return new ApiError(response.status, body.error.code ?? "error", body.error.message ?? "", body.error.details ?? []);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, "http_error", response.statusText || `HTTP ${response.status}`);
}

/** Build the API client. */
export function createClient(options: ClientOptions) {
  const fetchImpl = options.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = options.baseUrl.replace(/\/$/, "");

  async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
    const token = await options.getToken();
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetchImpl(`${base}${path}${queryString(query)}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      if (response.status === 401) options.onUnauthorized?.();
      throw await toApiError(response);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  const enc = encodeURIComponent;
  return {
    request,
    workspace: () => request<CurrentWorkspace>("GET", "/workspaces/current"),
    listWorkspaces: () => request<Page<WorkspaceMembership>>("GET", "/workspaces", undefined, { limit: 200 }),
    nodeTypes: () => request<NodeTypeInfo[]>("GET", "/nodes"),
    listFlows: (query?: { q?: string; status?: string; limit?: number; cursor?: string }) =>
      request<Page<FlowRecord>>("GET", "/flows", undefined, query),
    getFlow: (id: string) => request<FlowDetail>("GET", `/flows/${enc(id)}`),
    createFlow: (doc: FlowDocument, comment?: string) =>
      request<FlowDetail>("POST", "/flows", doc, { comment }),
    saveFlow: (doc: FlowDocument, options: { comment?: string; baseVersion?: number } = {}) =>
      request<FlowDetail>("PUT", `/flows/${enc(doc.id)}`, doc, {
        comment: options.comment,
        base_version: options.baseVersion,
      }),
    validateFlow: (doc: FlowDocument) => request<unknown>("POST", "/flows/validate", doc),
    checkFlow: (doc: FlowDocument) => request<FlowCheck>("POST", "/flows/check", doc),
    listVersions: (id: string) => request<Page<FlowVersion>>("GET", `/flows/${enc(id)}/versions`),
    getVersion: (id: string, version: number) => request<FlowVersion>("GET", `/flows/${enc(id)}/versions/${version}`),
    diff: (id: string, from: number, to: number) =>
      request<FlowDiff>("GET", `/flows/${enc(id)}/diff`, undefined, { from, to }),
    publish: (id: string, version?: number) =>
      request<unknown>("POST", `/flows/${enc(id)}/publish`, undefined, { version }),
    exportFlow: (id: string, version?: number) =>
      request<unknown>("GET", `/flows/${enc(id)}/export`, undefined, { version }),
    importFlow: (file: unknown, onConflict: "error" | "new_version" = "error") =>
      request<FlowDetail>("POST", "/flows/import", file, { on_conflict: onConflict }),
    startExecution: (id: string, body: StartExecution) =>
      request<ExecutionDetail>("POST", `/flows/${enc(id)}/executions`, body),
    listExecutions: (query: {
      flow_id?: string;
      status?: ExecutionStatus | "";
      started_after?: string;
      started_before?: string;
      limit?: number;
      cursor?: string;
    }) => request<Page<ExecutionRecord>>("GET", "/executions", undefined, query),
    getExecution: (id: string) => request<ExecutionDetail>("GET", `/executions/${enc(id)}`),
    history: (id: string) => request<Page<HistoryEvent>>("GET", `/executions/${enc(id)}/history`),
    cancel: (id: string) => request<unknown>("POST", `/executions/${enc(id)}/cancel`),
    rerun: (id: string) => request<ExecutionDetail>("POST", `/executions/${enc(id)}/rerun`),
    redrive: (id: string) => request<ExecutionDetail>("POST", `/executions/${enc(id)}/redrive`),
    approve: (id: string, nodeId: string, body: { comment?: string | null; task_token?: string | null }) =>
      request<unknown>("POST", `/executions/${enc(id)}/tasks/${enc(nodeId)}/approve`, body),
    reject: (id: string, nodeId: string, body: { comment?: string | null; task_token?: string | null }) =>
      request<unknown>("POST", `/executions/${enc(id)}/tasks/${enc(nodeId)}/reject`, body),
    submitForm: (id: string, nodeId: string, body: { data: Record<string, unknown>; task_token?: string | null }) =>
      request<unknown>("POST", `/executions/${enc(id)}/tasks/${enc(nodeId)}/submit`, body),
    listCredentials: () => request<Page<CredentialInfo>>("GET", "/credentials", undefined, { limit: 200 }),
    createCredential: (body: CredentialCreate) => request<CredentialInfo>("POST", "/credentials", body),
    rotateCredential: (id: string, value: CredentialRotate["value"]) =>
      request<CredentialInfo>("POST", `/credentials/${enc(id)}/rotate`, { value }),
    deleteCredential: (id: string) => request<void>("DELETE", `/credentials/${enc(id)}`),
    listSchedules: () => request<Page<ScheduleInfo>>("GET", "/schedules"),
    listWebhooks: () => request<Page<WebhookInfo>>("GET", "/webhooks"),
    listAgents: (query?: { status?: "active" | "inactive"; limit?: number; cursor?: string }) =>
      request<Page<Agent>>("GET", "/agents", undefined, query),
    agentTemplates: () => request<AgentDefinition[]>("GET", "/agents/templates"),
  };
}

export type ApiClient = ReturnType<typeof createClient>;
