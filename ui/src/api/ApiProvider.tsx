import { createContext, type ReactNode, useContext, useMemo } from "react";
import { apiBaseUrl } from "../app/config";
import { useAuth } from "../auth/AuthProvider";
import { type ApiClient, createClient } from "./client";

const ApiContext = createContext<ApiClient | null>(null);

/** The API client of the signed-in session. */
export function useApi(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error("useApi outside ApiProvider");
  return api;
}

/** Provides a given client (tests, embedding). */
export function ApiClientProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

/** Provides a client that sends the session's bearer token. */
export function ApiProvider({ children }: { children: ReactNode }) {
  const { getToken } = useAuth();
  const client = useMemo(() => createClient({ baseUrl: apiBaseUrl(), getToken }), [getToken]);
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}
