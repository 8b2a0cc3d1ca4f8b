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
  const { getToken, signOut, mode } = useAuth();
  // A rejected local token sends the user back to the sign-in box (Auth0 renews its own tokens).
  const client = useMemo(
    () => createClient({ baseUrl: apiBaseUrl(), getToken, onUnauthorized: mode === "local" ? signOut : undefined }),
    [getToken, signOut, mode],
  );
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}
