// Credentials: create, rotate and delete; secrets are write-only and never shown.
import { type FormEvent, useState } from "react";
import { useApi } from "../api/ApiProvider";
import type { CredentialInfo } from "../api/types";
import { Modal } from "../components/Modal";
import { Button, ErrorBanner, FieldRow, PageHeader, TextArea, TextInput } from "../components/ui";
import { useAsync } from "../hooks/useAsync";

/** A secret as typed: JSON when it parses as an object, else the text itself. */
export function parseSecret(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function SecretField({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <FieldRow id="credential-secret" label="Secret" required description="A token, or a JSON object of fields; it is encrypted and never shown again.">
      <TextArea
        id="credential-secret"
        data-testid="credential-secret"
        aria-describedby="credential-secret-help"
        autoComplete="off"
        spellCheck={false}
        className="[-webkit-text-security:disc]"
        rows={3}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
      />
    </FieldRow>
  );
}

export function CredentialsView() {
  const api = useApi();
  const list = useAsync(() => api.listCredentials(), [api]);
  const [creating, setCreating] = useState(false);
  const [rotating, setRotating] = useState<CredentialInfo | null>(null);
  const [name, setName] = useState("");
  const [type, setType] = useState("");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<unknown>(null);

  const close = (): void => {
    setCreating(false);
    setRotating(null);
    setName("");
    setType("");
    setSecret("");
  };
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError(null);
    try {
      if (rotating) await api.rotateCredential(rotating.credential_id, parseSecret(secret) as never);
      else await api.createCredential({ name, type, value: parseSecret(secret) as never });
      close();
      list.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="p-4">
      <PageHeader title="Credentials">
        <Button variant="primary" data-testid="new-credential" onClick={() => setCreating(true)}>
          New credential
        </Button>
      </PageHeader>
      <ErrorBanner error={list.error ?? (creating || rotating ? null : error)} />
      <table className="w-full text-sm" data-testid="credentials-table">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">Name</th>
            <th>Type</th>
            <th>Id</th>
            <th>Created</th>
            <th>Rotated</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.data?.items.map((c) => (
            <tr key={c.credential_id} className="border-t border-slate-200 dark:border-slate-800">
              <td className="py-1.5">{c.name}</td>
              <td>{c.type}</td>
              <td><code className="text-xs">{c.credential_id}</code></td>
              <td>{new Date(c.created_at).toLocaleString()}</td>
              <td>{c.rotated_at ? new Date(c.rotated_at).toLocaleString() : "—"}</td>
              <td className="space-x-1 text-right">
                <Button data-testid={`rotate-${c.credential_id}`} onClick={() => setRotating(c)}>Rotate</Button>
                <Button
                  variant="danger"
                  onClick={() => {
                    if (window.confirm(`Delete credential ${c.name}?`)) api.deleteCredential(c.credential_id).then(list.reload, setError);
                  }}
                >
                  Delete
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Modal open={creating || rotating !== null} onOpenChange={(open) => !open && close()} title={rotating ? `Rotate ${rotating.name}` : "New credential"}>
        <form className="space-y-3" onSubmit={(e) => void submit(e)}>
          <ErrorBanner error={error} />
          {!rotating && (
            <>
              <FieldRow id="credential-name" label="Name" required>
                <TextInput id="credential-name" data-testid="credential-name" value={name} onChange={(e) => setName(e.target.value)} required />
              </FieldRow>
              <FieldRow id="credential-type" label="Type" required description="e.g. openai, slack, http_bearer">
                <TextInput id="credential-type" data-testid="credential-type" value={type} onChange={(e) => setType(e.target.value)} required />
              </FieldRow>
            </>
          )}
          <SecretField value={secret} onChange={setSecret} />
          <Button type="submit" variant="primary" data-testid="credential-submit">
            {rotating ? "Rotate" : "Create"}
          </Button>
        </form>
      </Modal>
    </div>
  );
}
