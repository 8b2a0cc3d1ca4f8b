import { describe, expect, it } from "vitest";
import { ApiError, createClient } from "./client";

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(status: number, body: unknown, calls: Call[]): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  }) as unknown as typeof fetch;
}

describe("createClient", () => {
  it("sends the bearer token, JSON body and query without empty values", async () => {
    const calls: Call[] = [];
    const api = createClient({ baseUrl: "http://api/", getToken: () => "tok", fetchImpl: fakeFetch(200, { flow: {} }, calls) });
    await api.saveFlow({ id: "a b", name: "A", nodes: [] } as never, { comment: "", baseVersion: 2 });
    expect(calls[0]!.url).toBe("http://api/flows/a%20b?base_version=2");
    expect(calls[0]!.init.method).toBe("PUT");
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBe("Bearer tok");
    expect(JSON.parse(calls[0]!.init.body as string)).toMatchObject({ id: "a b" });
  });

  it("sends no body and no content type on action routes", async () => {
    const calls: Call[] = [];
    const api = createClient({ baseUrl: "", getToken: () => null, fetchImpl: fakeFetch(200, {}, calls) });
    await api.cancel("e1");
    expect(calls[0]!.init.body).toBeUndefined();
    expect((calls[0]!.init.headers as Record<string, string>)["Content-Type"]).toBeUndefined();
    expect((calls[0]!.init.headers as Record<string, string>).Authorization).toBeUndefined();
  });

  it("turns the error body into an ApiError with details", async () => {
    const body = { error: { code: "compile_errors", message: "no", details: [{ path: "body.nodes[0]", message: "x" }] } };
    const api = createClient({ baseUrl: "", getToken: () => "t", fetchImpl: fakeFetch(422, body, []) });
    const error = await api.validateFlow({} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: "compile_errors", details: [{ path: "body.nodes[0]", message: "x" }] });
  });

  it("reports a 401 to onUnauthorized", async () => {
    let signedOut = false;
    const api = createClient({
      baseUrl: "",
      getToken: () => "old",
      fetchImpl: fakeFetch(401, { error: { code: "unauthenticated", message: "expired" } }, []),
      onUnauthorized: () => (signedOut = true),
    });
    await expect(api.workspace()).rejects.toMatchObject({ code: "unauthenticated" });
    expect(signedOut).toBe(true);
  });

  it("returns undefined for 204", async () => {
    const api = createClient({ baseUrl: "", getToken: () => "t", fetchImpl: fakeFetch(204, undefined, []) });
    await expect(api.deleteCredential("c")).resolves.toBeUndefined();
  });
});
