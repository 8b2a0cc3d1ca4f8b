/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_API_URL?: string;
  readonly VITE_AUTH0_DOMAIN?: string;
  readonly VITE_AUTH0_CLIENT_ID?: string;
  readonly VITE_AUTH0_AUDIENCE?: string;
}

interface Window {
  /** Config injected by `deca dev` (or any host serving the static build). */
  __DECA__?: { apiUrl?: string; token?: string; webhookBaseUrl?: string };
}
