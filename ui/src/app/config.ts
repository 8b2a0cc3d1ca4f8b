// Runtime config: what `deca dev` (or the host) injects as `window.__DECA__`, else the build environment.

/** The API base URL ("" = same origin, as under `deca dev`). */
export function apiBaseUrl(): string {
  return window.__DECA__?.apiUrl ?? import.meta.env.VITE_API_URL ?? "";
}

/** Where webhook receivers live (the API base unless the host says otherwise). */
export function webhookBaseUrl(): string {
  const base = window.__DECA__?.webhookBaseUrl ?? apiBaseUrl();
  return base || window.location.origin;
}
