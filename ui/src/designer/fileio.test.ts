import { describe, expect, it } from "vitest";
import type { FlowDocument } from "../api/types";
import { exportFile, flowFromFile } from "./fileio";

const doc = { id: "f", name: "F", nodes: [], connections: [] } as unknown as FlowDocument;

describe("flow files", () => {
  it("reads an export file, a {flow} wrapper and a bare document", () => {
    expect(flowFromFile(exportFile(doc, 3, new Date(0)))).toEqual(doc);
    expect(flowFromFile({ flow: doc })).toEqual(doc);
    expect(flowFromFile(doc)).toEqual(doc);
  });

  it("refuses a file without a flow", () => {
    expect(() => flowFromFile({ nodes: 1 })).toThrow(/no flow/);
    expect(() => flowFromFile(3)).toThrow(/not a JSON object/);
  });

  it("writes the deca.flow export format", () => {
    expect(exportFile(doc, 3, new Date(0))).toEqual({
      format: "deca.flow",
      format_version: 1,
      exported_at: "1970-01-01T00:00:00.000Z",
      source_version: 3,
      flow: doc,
    });
  });
});
