// Import and export of flow files (pure parts, tested).
import type { FlowDocument } from "../api/types";

/** The flow document of an imported file: a `deca.flow` export, `{flow}`, or a bare document. */
export function flowFromFile(parsed: unknown): FlowDocument {
  if (!parsed || typeof parsed !== "object") throw new Error("The file is not a JSON object");
  const record = parsed as Record<string, unknown>;
  const doc = (record.flow && typeof record.flow === "object" ? record.flow : record) as Record<string, unknown>;
  if (typeof doc.id !== "string" || !Array.isArray(doc.nodes)) throw new Error("The file has no flow (id and nodes)");
  return doc as unknown as FlowDocument;
}

/** The portable export file of a document (the API's `deca.flow` format). */
export function exportFile(doc: FlowDocument, sourceVersion: number | null, now: Date): Record<string, unknown> {
  return { format: "deca.flow", format_version: 1, exported_at: now.toISOString(), source_version: sourceVersion, flow: doc };
}

/** Offer a JSON value as a file download. */
export function downloadJson(name: string, value: unknown): void {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}
