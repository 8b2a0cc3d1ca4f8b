import { lazy, Suspense } from "react";
import { ApiProvider } from "../api/ApiProvider";
import { AuthProvider } from "../auth/AuthProvider";
import { useHashRoute } from "../hooks/useHashRoute";
import { AgentsView } from "../views/AgentsView";
import { CredentialsView } from "../views/CredentialsView";
import { ExecutionsView } from "../views/ExecutionsView";
import { ExecutionView } from "../views/ExecutionView";
import { FlowsView } from "../views/FlowsView";
import { SchedulesView, WebhooksView } from "../views/TriggersViews";
import { Shell } from "./Shell";
import type { Route } from "./routes";

// The designer (and the canvas library) loads on first use, keeping the first page small.
const DesignerView = lazy(() => import("../views/DesignerView").then((m) => ({ default: m.DesignerView })));

function Page({ route }: { route: Route }) {
  switch (route.name) {
    case "flows":
      return <FlowsView />;
    case "designer":
      return <DesignerView key={route.flowId} flowId={route.flowId} />;
    case "newFlow":
      return <DesignerView key="new" flowId={null} />;
    case "executions":
      return <ExecutionsView flowId={route.flowId} />;
    case "execution":
      return <ExecutionView key={route.executionId} executionId={route.executionId} />;
    case "credentials":
      return <CredentialsView />;
    case "schedules":
      return <SchedulesView />;
    case "webhooks":
      return <WebhooksView />;
    case "agents":
      return <AgentsView />;
  }
}

/** The studio: sign-in, API client, shell and the page of the current route. */
export function App() {
  const route = useHashRoute();
  return (
    <AuthProvider>
      <ApiProvider>
        <Shell route={route}>
          <Suspense fallback={<p className="p-4 text-sm">Loading…</p>}>
            <Page route={route} />
          </Suspense>
        </Shell>
      </ApiProvider>
    </AuthProvider>
  );
}
