// A real HTTP server on 127.0.0.1 that speaks the OpenAI-compatible protocol (chat completions, embeddings),
// with scripted answers and injectable faults. Used by every test of an LLM or embedding client.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  path: string;
  body: any;
  headers: IncomingMessage['headers'];
}

/** What a handler returns: a string (chat content / ignored for embeddings), or a full fault. */
export type Scripted =
  | string
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hang: true }
  | { destroy: true };

export interface OpenAITestServerOptions {
  /** Content of the assistant message for a chat request (called once per request). */
  chat?: (body: any, n: number) => Scripted | { content: string; refusal?: string; finishReason?: string };
  /** Vectors for an embeddings request, or a fault. */
  embeddings?: (input: string[], body: any, n: number) => number[][] | Scripted;
  /** Required bearer token, if any. */
  apiKey?: string;
}

export interface OpenAITestServer {
  url: string; // e.g. http://127.0.0.1:PORT/v1
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function fault(res: ServerResponse, s: Scripted): boolean {
  if (typeof s === 'string') return false;
  if ('hang' in s) return true; // never answer; the client must time out
  if ('destroy' in s) {
    res.socket?.destroy();
    return true;
  }
  if ('status' in s) {
    send(res, s.status, s.body ?? { error: { message: `scripted ${s.status}` } }, s.headers);
    return true;
  }
  return false;
}

export async function startOpenAITestServer(opts: OpenAITestServerOptions = {}): Promise<OpenAITestServer> {
  const requests: RecordedRequest[] = [];
  let chatN = 0;
  let embN = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: any = null;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null;
      } catch {
        send(res, 400, { error: { message: 'invalid JSON body' } });
        return;
      }
      const path = (req.url ?? '').split('?')[0];
      requests.push({ path, body, headers: req.headers });
      if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
        send(res, 401, { error: { message: 'invalid api key' } });
        return;
      }
      if (req.method === 'GET' && path.endsWith('/models')) {
        send(res, 200, { object: 'list', data: [{ id: body?.model ?? 'test-model', object: 'model' }] });
        return;
      }
      if (req.method === 'POST' && path.endsWith('/chat/completions')) {
        const out = opts.chat ? opts.chat(body, chatN++) : '{"text": "hello"}';
        if (typeof out !== 'string' && !('content' in out) && fault(res, out)) return;
        const msg = typeof out === 'string' ? { content: out } : (out as { content: string; refusal?: string; finishReason?: string });
        const prompt = JSON.stringify(body?.messages ?? '').length;
        send(res, 200, {
          id: `chatcmpl-${chatN}`,
          object: 'chat.completion',
          created: 0,
          model: body?.model ?? 'test-model',
          choices: [{ index: 0, message: { role: 'assistant', content: msg.content, refusal: msg.refusal ?? null }, finish_reason: msg.finishReason ?? 'stop' }],
          usage: { prompt_tokens: Math.ceil(prompt / 4), completion_tokens: Math.ceil(msg.content.length / 4), total_tokens: 0 },
        });
        return;
      }
      if (req.method === 'POST' && path.endsWith('/embeddings')) {
        const input: string[] = Array.isArray(body?.input) ? body.input : [body?.input];
        const out = opts.embeddings ? opts.embeddings(input, body, embN++) : input.map((t) => defaultVector(String(t)));
        if (!Array.isArray(out)) {
          fault(res, out);
          return;
        }
        send(res, 200, {
          object: 'list',
          model: body?.model ?? 'test-embed',
          data: out.map((embedding, index) => ({ object: 'embedding', index, embedding })),
          usage: { prompt_tokens: input.length, total_tokens: input.length },
        });
        return;
      }
      send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A deterministic 8-d vector from the text (for tests that only need stable, distinct vectors). */
export function defaultVector(text: string, dim = 8): number[] {
  const v = new Array<number>(dim).fill(0);
  for (let i = 0; i < text.length; i++) v[i % dim] += ((text.charCodeAt(i) * 2654435761) >>> 0) / 2 ** 32 - 0.5;
  return v;
}
