import { describe, expect, it } from "vitest";
import { auth0Config, resolveLocalToken, TOKEN_KEY, withoutToken } from "./token";

const memoryStorage = () => {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
};

describe("resolveLocalToken", () => {
  it("prefers the injected config", () => {
    const storage = memoryStorage();
    expect(resolveLocalToken({ config: { token: "cfg" }, url: new URL("http://x/?token=q"), storage })).toBe("cfg");
  });

  it("takes ?token= and saves it for the session", () => {
    const storage = memoryStorage();
    expect(resolveLocalToken({ url: new URL("http://x/?token=q"), storage })).toBe("q");
    expect(storage.data.get(TOKEN_KEY)).toBe("q");
  });

  it("falls back to the saved token, else null", () => {
    const storage = memoryStorage();
    expect(resolveLocalToken({ url: new URL("http://x/"), storage })).toBeNull();
    storage.setItem(TOKEN_KEY, "saved");
    expect(resolveLocalToken({ url: new URL("http://x/"), storage })).toBe("saved");
  });

  it("strips the token from the address", () => {
    expect(withoutToken(new URL("http://x/a?token=q&b=1#f"))).toBe("http://x/a?b=1#f");
  });
});

describe("auth0Config", () => {
  it("is null unless domain and client id are set", () => {
    expect(auth0Config({ VITE_AUTH0_DOMAIN: "t.auth0.com" })).toBeNull();
    expect(auth0Config({ VITE_AUTH0_DOMAIN: "t.auth0.com", VITE_AUTH0_CLIENT_ID: "c", VITE_AUTH0_AUDIENCE: "a" })).toEqual({
      domain: "t.auth0.com",
      clientId: "c",
      audience: "a",
    });
  });
});
