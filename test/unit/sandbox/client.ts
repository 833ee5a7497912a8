// Plain HTTP clients for the sandbox tests: node:http for the FE step (undici refuses `Expect`)
// and undici for the BE, the way a real Stream Load client has to talk to StarRocks.

import { request as httpRequest, IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { request } from 'undici';

export { SEED_DDL, SEED_ROWS } from '../../../cli/src/seed';

export function basic(user = 'root', password = ''): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request with node:http; the body is sent only after 100 Continue when `expect` is set. */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; expect?: boolean }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    if (body) headers['Content-Length'] = String(body.length);
    if (options.expect) headers['Expect'] = '100-continue';
    const req = httpRequest(url, { method: options.method ?? 'PUT', headers, agent: false });
    let sent = false;
    req.on('continue', () => {
      sent = true;
      req.end(body);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        // Answered before 100 Continue: the body is never sent.
        if (!sent) req.destroy();
      });
      res.on('error', reject);
    });
    // A server that answers without reading the body may close while we write: the answer still counts.
    req.on('error', (error) => { if (!sent || !options.expect) reject(error); });
    if (!options.expect) {
      sent = true;
      req.end(body);
    }
  });
}

export interface LoadOptions {
  headers?: Record<string, string>;
  user?: string;
  password?: string;
}

/** A Stream Load as a careful client does it: FE with Expect (no body), then the body to the 307 Location with credentials again. */
export async function streamLoad(feUrl: string, db: string, table: string, body: string | Buffer, options: LoadOptions = {}): Promise<Record<string, unknown>> {
  const auth = basic(options.user, options.password);
  const fe = await rawRequest(`${feUrl}/api/${db}/${table}/_stream_load`, { headers: { Authorization: auth, ...options.headers }, body, expect: true });
  if (fe.status !== 307) throw new Error(`FE answered ${fe.status}: ${fe.body}`);
  const location = fe.headers.location!;
  const res = await request(location, { method: 'PUT', headers: { authorization: auth, ...lower(options.headers ?? {}) }, body });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`BE answered ${res.statusCode}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Straight to the BE (undici, chunked or Content-Length). */
export async function beLoad(beUrl: string, db: string, table: string, body: string | Buffer | Readable, headers: Record<string, string> = {}, auth: string | null = basic()): Promise<Record<string, unknown>> {
  const h: Record<string, string> = { ...lower(headers) };
  if (auth) h.authorization = auth;
  const res = await request(`${beUrl}/api/${db}/${table}/_stream_load`, { method: 'PUT', headers: h, body });
  return (await res.body.json()) as Record<string, unknown>;
}

export async function sql(feUrl: string, text: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await request(`${feUrl}/api/_sandbox/sql`, { method: 'POST', body: text });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

export async function rows(feUrl: string, text: string): Promise<Record<string, unknown>[]> {
  const { status, json } = await sql(feUrl, text);
  if (status !== 200) throw new Error(`query failed: ${JSON.stringify(json)}`);
  return json.rows as Record<string, unknown>[];
}

export async function txnCall(feUrl: string, op: string, headers: Record<string, string>, body?: string): Promise<Record<string, unknown>> {
  const auth = basic();
  const fe = await request(`${feUrl}/api/transaction/${op}`, { method: op === 'load' ? 'PUT' : 'POST', headers: { authorization: auth, ...lower(headers) } });
  await fe.body.text();
  if (fe.statusCode !== 307) throw new Error(`FE answered ${fe.statusCode}`);
  const res = await request(String(fe.headers.location), { method: op === 'load' ? 'PUT' : 'POST', headers: { authorization: auth, ...lower(headers) }, body });
  return (await res.body.json()) as Record<string, unknown>;
}

