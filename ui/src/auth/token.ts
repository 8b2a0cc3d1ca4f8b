// Local sign-in: the token `deca dev` hands to the UI (injected config, `?token=`, or typed in), kept per tab.

export const TOKEN_KEY = "deca.token";

export interface TokenSources {
  config?: { token?: string } | undefined;
  url: URL;
  storage: Pick<Storage, "getItem" | "setItem">;
}

/** The local token: injected config first, then `?token=` (saved to session storage), then session storage. */
export function resolveLocalToken({ config, url, storage }: TokenSources): string | null {
  if (config?.token) return config.token;
  const fromQuery = url.searchParams.get("token");
  if (fromQuery) {
    storage.setItem(TOKEN_KEY, fromQuery);
    return fromQuery;
  }
  return storage.getItem(TOKEN_KEY);
}

/** The URL without its `token` parameter (so the token does not stay in the address bar or history). */
export function withoutToken(url: URL): string {
  const clean = new URL(url.toString());
  clean.searchParams.delete("token");
  return clean.toString();
}

export interface Auth0Config {
  domain: string;
  clientId: string;
  audience?: string;
}

/** Auth0 SPA settings from `VITE_AUTH0_*`, or null when not configured (local sign-in then). */
export function auth0Config(env: Record<string, string | undefined>): Auth0Config | null {
  const domain = env.VITE_AUTH0_DOMAIN;
  const clientId = env.VITE_AUTH0_CLIENT_ID;
  if (!domain || !clientId) return null;
  const config: Auth0Config = { domain, clientId };
  if (env.VITE_AUTH0_AUDIENCE) config.audience = env.VITE_AUTH0_AUDIENCE;
  return config;
}
