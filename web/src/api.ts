// Calls to the server. State-changing calls carry the x-simpact-csrf header the server requires.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The JSON body of the refusal (some carry more than the message, e.g. the progress counts with a 409). */
    readonly data: any = null,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (init.method && init.method !== 'GET') {
    headers['content-type'] = 'application/json';
    headers['x-simpact-csrf'] = '1';
  }
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), credentials: 'same-origin' });
  const text = await res.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data?.error ?? `request failed (${res.status})`, data);
  return data as T;
}

/** Fetches with the admin token and hands the response to the browser as a download. */
export async function download(path: string, token: string, filename: string): Promise<void> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new ApiError(res.status, `download failed (${res.status})`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
