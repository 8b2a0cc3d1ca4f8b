// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";
import type { CredentialInfo } from "../api/types";
import { ConfigForm } from "./ConfigForm";
import { FormContext } from "./FormContext";
import type { JsonSchema } from "./schemaFields";
import type { TemplateSuggestion } from "./templates";

afterEach(cleanup);

const schema: JsonSchema = {
  type: "object",
  required: ["url", "credential_id"],
  properties: {
    url: { type: "string", title: "Url", description: "Where to send it" },
    method: { enum: ["GET", "POST"], default: "GET", title: "Method" },
    follow: { type: "boolean", default: true, title: "Follow" },
    credential_id: { type: "string", title: "Credential Id" },
  },
};

const suggestions: TemplateSuggestion[] = [
  { path: "input", source: "input" },
  { path: "fetch.status", source: "fetch", type: "integer" },
];
const credentials = [{ credential_id: "c1", name: "Slack bot", type: "slack" }] as CredentialInfo[];

function Harness({ onValue }: { onValue: (v: Record<string, unknown>) => void }) {
  const [value, setValue] = useState<Record<string, unknown>>({ url: "" });
  return (
    <FormContext.Provider value={{ suggestions, credentials }}>
      <ConfigForm
        schema={schema}
        value={value}
        idPrefix="cfg"
        onChange={(v) => {
          setValue(v);
          onValue(v);
        }}
      />
    </FormContext.Provider>
  );
}

describe("ConfigForm", () => {
  it("renders a labelled input per field with its description", () => {
    render(<Harness onValue={() => undefined} />);
    expect(screen.getByLabelText(/Url/)).toBeTruthy();
    expect(screen.getByText("Where to send it")).toBeTruthy();
    expect(screen.getByLabelText("Method")).toBeTruthy();
    expect(screen.getByLabelText("Follow")).toBeTruthy();
  });

  it("offers stored credentials in the credential picker", () => {
    let last: Record<string, unknown> = {};
    render(<Harness onValue={(v) => (last = v)} />);
    fireEvent.change(screen.getByLabelText(/Credential Id/), { target: { value: "c1" } });
    expect(last.credential_id).toBe("c1");
    expect(screen.getByRole("option", { name: "Slack bot (slack)" })).toBeTruthy();
  });

  it("suggests upstream outputs inside a template and inserts the chosen path", async () => {
    let last: Record<string, unknown> = {};
    render(<Harness onValue={(v) => (last = v)} />);
    const url = screen.getByLabelText(/Url/) as HTMLInputElement;
    fireEvent.change(url, { target: { value: "https://x/{{ fet", selectionStart: 16 } });
    const options = screen.getAllByRole("option").filter((o) => o.closest("[data-testid=template-suggestions]"));
    expect(options.map((o) => o.textContent)).toEqual(["fetch.statusinteger"]);
    await act(async () => {
      fireEvent.keyDown(url, { key: "Enter" });
    });
    expect(last.url).toBe("https://x/{{ fetch.status }}");
  });
});
