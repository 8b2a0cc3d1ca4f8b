import { describe, expect, it } from "vitest";
import { errorCount, placeErrors } from "./validation";

describe("placeErrors", () => {
  const ids = ["fetch", "notify"];

  it("puts node errors on the node at that position with the field path", () => {
    const placed = placeErrors([{ path: "body.nodes[1].config.text", message: "unknown node 'x'" }], ids);
    expect(placed.nodes).toEqual({ notify: ["config.text: unknown node 'x'"] });
  });

  it("accepts compile error paths without the body prefix", () => {
    expect(placeErrors([{ path: "nodes[0]", message: "unreachable" }], ids).nodes).toEqual({ fetch: ["unreachable"] });
  });

  it("finds a node named by id", () => {
    expect(placeErrors([{ path: "body.nodes[id=notify]", message: "no path" }], ids).nodes).toEqual({ notify: ["no path"] });
  });

  it("puts connection errors on the connection", () => {
    const placed = placeErrors([{ path: "connections[2].condition", message: "bad" }], ids);
    expect(placed.connections).toEqual({ 2: ["condition: bad"] });
  });

  it("keeps other errors for the flow and counts them all", () => {
    const placed = placeErrors(
      [
        { path: "body.triggers[0].cron", message: "invalid" },
        { path: "nodes[7]", message: "out of range" },
        { path: "nodes[0].id", message: "dup" },
      ],
      ids,
    );
    expect(placed.flow).toEqual(["triggers[0].cron: invalid", "nodes[7]: out of range"]);
    expect(errorCount(placed)).toBe(3);
  });
});
