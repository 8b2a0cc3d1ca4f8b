import { describe, expect, it } from "vitest";
import { parseRoute, type Route, routeHash } from "./routes";

describe("routes", () => {
  it.each<Route>([
    { name: "flows" },
    { name: "designer", flowId: "customer-onboarding" },
    { name: "newFlow" },
    { name: "executions" },
    { name: "executions", flowId: "a:b" },
    { name: "execution", executionId: "e 1" },
    { name: "credentials" },
  ])("round-trips %o", (route) => {
    expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it("sends unknown hashes to the flows list", () => {
    expect(parseRoute("#/nope")).toEqual({ name: "flows" });
    expect(parseRoute("")).toEqual({ name: "flows" });
  });
});
