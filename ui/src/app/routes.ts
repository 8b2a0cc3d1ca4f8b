// Hash routes (`#/flows/demo`): the static build works from any path without server rewrites.

export type Route =
  | { name: "flows" }
  | { name: "designer"; flowId: string }
  | { name: "newFlow" }
  | { name: "executions"; flowId?: string }
  | { name: "execution"; executionId: string }
  | { name: "credentials" }
  | { name: "schedules" }
  | { name: "webhooks" }
  | { name: "agents" };

/** The route of a location hash (unknown hashes are the flows list). */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("?")[0]!.split("/").filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(hash.split("?")[1] ?? "");
  const [head, id] = parts;
  switch (head) {
    case "flows":
      if (id === undefined) return { name: "flows" };
      return id === "new" ? { name: "newFlow" } : { name: "designer", flowId: id };
    case "executions": {
      if (id !== undefined) return { name: "execution", executionId: id };
      const flowId = query.get("flow");
      return flowId ? { name: "executions", flowId } : { name: "executions" };
    }
    case "credentials":
    case "schedules":
    case "webhooks":
    case "agents":
      return { name: head };
    default:
      return { name: "flows" };
  }
}

/** The hash of a route. */
export function routeHash(route: Route): string {
  const enc = encodeURIComponent;
  switch (route.name) {
    case "designer":
      return `#/flows/${enc(route.flowId)}`;
    case "newFlow":
      return "#/flows/new";
    case "execution":
      return `#/executions/${enc(route.executionId)}`;
    case "executions":
      return route.flowId ? `#/executions?flow=${enc(route.flowId)}` : "#/executions";
    default:
      return `#/${route.name}`;
  }
}
