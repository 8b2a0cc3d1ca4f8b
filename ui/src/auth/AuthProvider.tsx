// Sign-in: Auth0 (SPA SDK) when `VITE_AUTH0_*` is configured, else the local token of `deca dev`.
import type { Auth0Client } from "@auth0/auth0-spa-js";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { apiBaseUrl } from "../app/config";
import { Button, TextInput } from "../components/ui";
import { auth0Config, resolveLocalToken, TOKEN_KEY, withoutToken } from "./token";

export interface AuthState {
  getToken: () => Promise<string | null>;
  signOut: () => void;
  mode: "auth0" | "local";
  /**
   * Continue in another workspace (the token's `workspace_id` claim picks it): Auth0 signs in again with the
   * `workspace` authorize parameter for the login Action; locally, with a token minted for it
   * (`deca token --workspace <id>`).
   */
  switchWorkspace: (workspaceId: string, token?: string) => void;
}

const AuthContext = createContext<AuthState | null>(null);

/** The signed-in session. */
export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}

/** Provides a given session (tests, embedding). */
export function AuthStateProvider({ value, children }: { value: AuthState; children: ReactNode }) {
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

async function fetchDevToken(): Promise<string | null> {
  try {
    const response = await fetch(`${apiBaseUrl()}/local/token`, { headers: { Accept: "application/json" } });
    if (!response.ok) return null;
    const body = (await response.json()) as { token?: string; access_token?: string };
    return body.token ?? body.access_token ?? null;
  } catch {
    return null;
  }
}

function LocalSignIn({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState("");
  return (
    <main className="mx-auto mt-24 max-w-md space-y-3 p-4">
      <h1 className="text-xl font-semibold">Sign in to DECA AI Studio</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Paste the token <code>deca dev</code> printed (or open the link it printed).
      </p>
      <form
        className="space-y-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onToken(value.trim());
        }}
      >
        <label htmlFor="token-input" className="block text-sm font-medium">
          Access token
        </label>
        <TextInput id="token-input" data-testid="token-input" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="off" />
        <Button type="submit" variant="primary" data-testid="sign-in">
          Sign in
        </Button>
      </form>
    </main>
  );
}

function LocalAuth({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() =>
    resolveLocalToken({ config: window.__DECA__, url: new URL(window.location.href), storage: sessionStorage }),
  );
  const [probing, setProbing] = useState(token === null);
  useEffect(() => {
    if (new URL(window.location.href).searchParams.has("token")) {
      window.history.replaceState(null, "", withoutToken(new URL(window.location.href)));
    }
    if (token !== null) return;
    void fetchDevToken().then((t) => {
      if (t) {
        sessionStorage.setItem(TOKEN_KEY, t);
        setToken(t);
      }
      setProbing(false);
    });
  }, [token]);
  const save = useCallback((t: string) => {
    sessionStorage.setItem(TOKEN_KEY, t);
    setToken(t);
  }, []);
  const value = useMemo<AuthState>(
    () => ({
      mode: "local",
      getToken: async () => token,
      signOut: () => {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken(null);
      },
      switchWorkspace: (_workspaceId: string, next?: string) => {
        if (next) save(next);
      },
    }),
    [token, save],
  );
  if (probing) return <p className="p-4 text-sm">Signing in…</p>;
  if (!token) return <LocalSignIn onToken={save} />;
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

function Auth0Auth({ config, children }: { config: NonNullable<ReturnType<typeof auth0Config>>; children: ReactNode }) {
  const [client, setClient] = useState<Auth0Client | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void (async () => {
      try {
        const { createAuth0Client } = await import("@auth0/auth0-spa-js");
        const c = await createAuth0Client({
          domain: config.domain,
          clientId: config.clientId,
          authorizationParams: { redirect_uri: window.location.origin + window.location.pathname, audience: config.audience },
          cacheLocation: "memory",
        });
        const params = new URLSearchParams(window.location.search);
        if (params.has("code") && params.has("state")) {
          await c.handleRedirectCallback();
          window.history.replaceState(null, "", window.location.pathname + window.location.hash);
        }
        if (!(await c.isAuthenticated())) {
          await c.loginWithRedirect();
          return;
        }
        setClient(c);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    })();
  }, [config]);
  const value = useMemo<AuthState | null>(
    () =>
      client && {
        mode: "auth0",
        getToken: async () => (await client.getTokenSilently()) ?? null,
        signOut: () => void client.logout({ logoutParams: { returnTo: window.location.origin } }),
        switchWorkspace: (workspaceId: string) => void client.loginWithRedirect({ authorizationParams: { workspace: workspaceId } }),
      },
    [client],
  );
  if (error) return <p role="alert" className="p-4 text-sm text-rose-600">Sign-in failed: {error}</p>;
  if (!value) return <p className="p-4 text-sm">Signing in…</p>;
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** Provides the session to the app; renders the sign-in step until there is one. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const config = useMemo(() => auth0Config(import.meta.env as Record<string, string | undefined>), []);
  return config ? <Auth0Auth config={config}>{children}</Auth0Auth> : <LocalAuth>{children}</LocalAuth>;
}
