/** A thin client for the gateway's HTTP API: JSON in, JSON out, a readable error on any non-2xx. */
export interface Api {
  get<T>(path: string, key: string): Promise<T>;
  postJson<T>(path: string, key: string, body: unknown): Promise<T>;
  postCsv<T>(path: string, key: string, csv: string, idempotencyKey: string): Promise<T>;
}

export function apiClient(baseUrl: string): Api {
  const call = async <T>(method: string, path: string, headers: Record<string, string>, body?: string) => {
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body }).catch((error: Error) => {
      // undici says only "fetch failed": the socket's own error is in `cause`.
      const cause = error.cause as { code?: string; message?: string } | undefined;
      throw new Error(`${method} ${path}: ${error.message} (${cause?.code ?? ""} ${cause?.message ?? ""})`);
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });
  return {
    get: (path, key) => call("GET", path, auth(key)),
    postJson: (path, key, body) =>
      call("POST", path, { ...auth(key), "content-type": "application/json" }, JSON.stringify(body)),
    postCsv: (path, key, csv, idempotencyKey) =>
      call(
        "POST",
        path,
        { ...auth(key), "content-type": "text/csv", "idempotency-key": idempotencyKey },
        csv,
      ),
  };
}
