// Opt-in check of the client against a running API: DECA_API_URL=http://localhost:8080 DECA_TOKEN=... npm test
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ApiError, createClient } from "./client";
import type { FlowDocument } from "./types";

const baseUrl = process.env.DECA_API_URL;
const token = process.env.DECA_TOKEN ?? null;

describe.skipIf(!baseUrl)("client against a live API", () => {
  const api = createClient({ baseUrl: baseUrl ?? "", getToken: () => token });
  const example = JSON.parse(
    readFileSync(resolve(__dirname, "../../../examples/customer-onboarding.json"), "utf8"),
  ) as FlowDocument;
  const id = `ui-live-${Date.now()}`;
  const doc = { ...example, id };

  it("lists the node catalogue", async () => {
    const types = await api.nodeTypes();
    expect(types.find((t) => t.type === "http_request")?.config_schema).toBeTruthy();
  });

  it("validates, creates, saves, diffs and publishes a flow", async () => {
    await api.validateFlow(doc);
    const created = await api.createFlow(doc, "first");
    expect(created.version).toBe(1);
    const saved = await api.saveFlow({ ...doc, name: "Renamed" }, { comment: "rename", baseVersion: 1 });
    expect(saved.version).toBe(2);
    expect((await api.listVersions(id)).items.map((v) => v.version)).toEqual([2, 1]);
    expect((await api.diff(id, 1, 2)).to_version).toBe(2);
    await api.publish(id, 2);
    expect((await api.getFlow(id)).flow.published_version).toBe(2);
  });

  it("reports compile errors with paths", async () => {
    const broken = { ...doc, connections: [...(doc.connections ?? []), { from: "nope", to: doc.nodes[0]!.id }] };
    const error = await api.validateFlow(broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).details.length).toBeGreaterThan(0);
  });

  it("starts an execution and reads it back", async () => {
    const started = await api.startExecution(id, { input: { customer_data: { email: "a@b.c" } }, mode: "async", timeout_seconds: 30 });
    const detail = await api.getExecution(started.execution.execution_id);
    expect(detail.execution.flow_id).toBe(id);
    const listed = await api.listExecutions({ flow_id: id, limit: 5 });
    expect(listed.items.length).toBeGreaterThan(0);
    await api.history(started.execution.execution_id);
  });

  it("creates and rotates a credential without reading its secret back", async () => {
    const created = await api.createCredential({ name: `ui-live-${Date.now()}`, type: "http_bearer", value: "s3cret" });
    expect(JSON.stringify(created)).not.toContain("s3cret");
    const rotated = await api.rotateCredential(created.credential_id, "n3w");
    expect(rotated.rotated_at).toBeTruthy();
    await api.deleteCredential(created.credential_id);
  });

  it("lists schedules and webhooks", async () => {
    expect(Array.isArray((await api.listSchedules()).items)).toBe(true);
    expect(Array.isArray((await api.listWebhooks()).items)).toBe(true);
  });
});
