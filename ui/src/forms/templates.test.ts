import { describe, expect, it } from "vitest";
import type { JsonSchema } from "./schemaFields";
import {
  applySuggestion,
  completionContext,
  filterSuggestions,
  outputPaths,
  templateSuggestions,
  upstreamNodes,
} from "./templates";

// fetch → check → notify, and a side branch other → notify; "later" runs after notify.
const graph = {
  nodes: [
    { id: "fetch", type: "http_request" },
    { id: "check", type: "condition" },
    { id: "other", type: "noop" },
    { id: "notify", type: "slack" },
    { id: "later", type: "noop" },
  ],
  edges: [
    { from: "fetch", to: "check" },
    { from: "check", to: "notify" },
    { from: "other", to: "notify" },
    { from: "notify", to: "later" },
  ],
};

const httpOutput: JsonSchema = {
  type: "object",
  $defs: { Meta: { type: "object", properties: { pages: { type: "integer" } } } },
  properties: {
    status: { type: "integer", description: "HTTP status" },
    body: { description: "Parsed body" },
    meta: { $ref: "#/$defs/Meta" },
    items: { anyOf: [{ type: "array" }, { type: "null" }] },
  },
};
const schemas = { http_request: httpOutput, condition: { type: "object", properties: { result: { type: "boolean" } } } };

describe("upstreamNodes", () => {
  it("lists every ancestor, nearest first", () => {
    expect(upstreamNodes(graph, "notify")).toEqual(["check", "other", "fetch"]);
  });

  it("excludes downstream and unrelated nodes", () => {
    expect(upstreamNodes(graph, "check")).toEqual(["fetch"]);
  });

  it("terminates on a cycle", () => {
    expect(upstreamNodes({ nodes: [], edges: [{ from: "a", to: "b" }, { from: "b", to: "a" }] }, "a")).toEqual(["b"]);
  });
});

describe("loops", () => {
  // source → each (loop) -body-> step1 → step2 → each; each -done-> after
  const loopGraph = {
    nodes: [
      { id: "source", type: "http_request" },
      { id: "each", type: "loop" },
      { id: "step1", type: "noop" },
      { id: "step2", type: "noop" },
      { id: "after", type: "noop" },
    ],
    edges: [
      { from: "source", to: "each" },
      { from: "each", to: "step1", label: "body" },
      { from: "step1", to: "step2" },
      { from: "step2", to: "each" },
      { from: "each", to: "after", label: "done" },
    ],
  };
  const kinds = { loop: "loop" };

  it("does not count later body nodes as upstream through the back edge", () => {
    expect(upstreamNodes(loopGraph, "step1", new Set(["each"]))).toEqual(["each", "source"]);
  });

  it("offers item and index inside the body only", () => {
    const inside = templateSuggestions(loopGraph, "step2", {}, kinds).map((s) => s.path);
    expect(inside).toEqual(expect.arrayContaining(["item", "index", "step1", "each", "source"]));
    const after = templateSuggestions(loopGraph, "after", {}, kinds).map((s) => s.path);
    expect(after).not.toContain("item");
    expect(after).toContain("each");
  });
});

describe("outputPaths", () => {
  it("lists fields with types, descriptions and nested $ref objects", () => {
    expect(outputPaths(httpOutput)).toEqual([
      { path: "status", type: "integer", description: "HTTP status" },
      { path: "body", description: "Parsed body" },
      { path: "meta", type: "object" },
      { path: "meta.pages", type: "integer" },
      { path: "items", type: "array" },
    ]);
  });
});

describe("templateSuggestions", () => {
  it("suggests the input and upstream node outputs only", () => {
    const paths = templateSuggestions(graph, "notify", schemas).map((s) => s.path);
    expect(paths).toContain("input");
    expect(paths).toContain("fetch.status");
    expect(paths).toContain("check.result");
    expect(paths).toContain("other");
    expect(paths.some((p) => p.startsWith("later") || p.startsWith("notify"))).toBe(false);
  });

  it("suggests nothing from a node downstream of the edited one", () => {
    const paths = templateSuggestions(graph, "fetch", schemas).map((s) => s.path);
    expect(paths).toEqual(["input"]);
  });
});

describe("completionContext", () => {
  it("finds the typed prefix inside an open template", () => {
    const text = "Hello {{ fet";
    expect(completionContext(text, text.length)).toEqual({ start: 9, prefix: "fet", closed: false });
  });

  it("sees an already closed template", () => {
    const text = "{{ fetch.st }}";
    expect(completionContext(text, 11)).toEqual({ start: 3, prefix: "fetch.st", closed: true });
  });

  it("keeps hyphens of node ids in the prefix", () => {
    expect(completionContext("{{validate-in", 13)?.prefix).toBe("validate-in");
  });

  it("is null outside a template", () => {
    expect(completionContext("{{ a }} and b", 12)).toBeNull();
    expect(completionContext("plain", 3)).toBeNull();
  });

  it("is null after an operator (the user is writing an expression)", () => {
    expect(completionContext("{{ a > ", 7)).toBeNull();
  });
});

describe("filterSuggestions and applySuggestion", () => {
  const all = templateSuggestions(graph, "notify", schemas);

  it("ranks prefix matches before substring matches", () => {
    const found = filterSuggestions(all, "st").map((s) => s.path);
    expect(found).toEqual(["fetch.status"]);
    expect(filterSuggestions(all, "fetch.")[0]!.path).toBe("fetch.status");
  });

  it("completes and closes an open template", () => {
    const text = "Hi {{ fe";
    const ctx = completionContext(text, text.length)!;
    expect(applySuggestion(text, text.length, ctx, "fetch.body")).toEqual({ text: "Hi {{ fetch.body }}", cursor: 19 });
  });

  it("does not add braces to a closed template", () => {
    const text = "{{ fe }}";
    const ctx = completionContext(text, 5)!;
    expect(applySuggestion(text, 5, ctx, "fetch.body")).toEqual({ text: "{{ fetch.body }}", cursor: 13 });
  });
});
