// Stream Load client: the FE handshake on node:http(s), the body to the BE on undici.
//
// StarRocks' FE requires `Expect: 100-continue` and answers 307 to a BE without reading the body; undici refuses
// the Expect header. So step 1 sends only the headers (with Expect) to the FE with node:http and reads the 307
// Location; step 2 PUTs the body to that BE with undici, over a keep-alive pool per BE origin, sending Basic auth
// again (the Location carries no credentials, `curl --location-trusted`). Redirects are never followed blindly.
// Each load asks the FE again, because StarRocks picks a BE per load; only connections are reused.
import * as http from 'node:http';
import * as https from 'node:https';
import { Pool, errors as undiciErrors } from 'undici';
import {
  StreamLoadError,
  type PortLog,
  type StreamLoadClient,
  type StreamLoadRequest,
  type StreamLoadResponse,
  type StreamLoadTarget,
} from '../ports';

export interface StreamLoadClientOptions {
  /** PEM CA certificate(s) to trust for https FE/BE URLs (in addition to Node's defaults when omitted). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** false accepts any certificate (self-signed test clusters). Default true. */
  rejectUnauthorized?: boolean;
  /** Keep-alive connections per BE origin. Default 8. */
  connectionsPerBackend?: number;
  /** TCP/TLS connect timeout per step, ms. Default 5000. */
  connectTimeoutMs?: number;
  /**
   * If the server neither answers nor says "100 Continue" within this time, send the body anyway (curl does the
   * same after 1 s): some servers behind a BE URL given directly never send 100. Default 2000.
   */
  expectContinueTimeoutMs?: number;
  log?: PortLog;
}

/** Headers the client owns; a caller's values for them are dropped. */
const RESERVED = new Set(['expect', 'authorization', 'content-length', 'transfer-encoding', 'host', 'connection', 'label']);
const MAX_BACKEND_POOLS = 32;

interface Deadline {
  signal: AbortSignal;
  timedOut(): boolean;
  dispose(): void;
}

function deadline(timeoutMs: number, outer?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new Error('timeout'));
  }, Math.max(1, timeoutMs));
  const onAbort = () => controller.abort(outer?.reason);
  if (outer?.aborted) controller.abort(outer.reason);
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => expired,
    dispose() {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

function errorCode(e: unknown): string | undefined {
  for (let cur = e as { code?: unknown; cause?: unknown } | undefined, i = 0; cur && i < 5; cur = cur.cause as typeof cur, i++) {
    if (typeof cur.code === 'string') return cur.code;
  }
  return undefined;
}

function errorText(e: unknown): string {
  const parts: string[] = [];
  for (let cur = e as { message?: unknown; cause?: unknown } | undefined, i = 0; cur && i < 4; cur = cur.cause as typeof cur, i++) {
    if (typeof cur.message === 'string' && cur.message && !parts.includes(cur.message)) parts.push(cur.message);
  }
  return parts.join(': ') || String(e);
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

/** A parsed answer, or why it is not one. */
function parseAnswer(text: string, where: string): StreamLoadResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const snippet = text.trim().slice(0, 200).replace(/\s+/g, ' ');
    throw new StreamLoadError('protocol', `${where} answered with something that is not Stream Load JSON: "${snippet}"`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new StreamLoadError('protocol', `${where} answered with JSON that is not an object.`);
  const r = json as Record<string, unknown>;
  // The transaction API and FE-side errors spell some statuses differently; callers see one spelling.
  if (r.Status === 'LABEL_ALREADY_EXISTS') r.Status = 'Label Already Exists';
  if (typeof r.Status !== 'string') throw new StreamLoadError('protocol', `${where} answered without a Status: ${text.slice(0, 200)}`);
  if (typeof r.Message !== 'string') r.Message = typeof r.msg === 'string' ? r.msg : '';
  return r as StreamLoadResponse;
}

const AUTH_MESSAGE = /no valid Basic authorization|Access denied|password is not correct|wrong password|Unauthorized|authenticat/i;
const UNKNOWN_TABLE = /unknown (database|table)|(database|table)\b[^.]*\b(does not exist|doesn't exist|not exist|not found)|Unknown (database|table)/i;

export function createStreamLoadClient(target: StreamLoadTarget, options: StreamLoadClientOptions = {}): StreamLoadClient {
  const log: PortLog = options.log ?? (() => {});
  const connectTimeout = options.connectTimeoutMs ?? 5000;
  const expectTimeout = options.expectContinueTimeoutMs ?? 2000;
  const tls = { ...(options.ca !== undefined ? { ca: options.ca } : {}), ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}) };
  const authorization = 'Basic ' + Buffer.from(`${target.user}:${target.password}`, 'utf8').toString('base64');

  let fe: URL;
  let feError: StreamLoadError | undefined;
  try {
    fe = new URL(target.feUrl);
    if (fe.protocol !== 'http:' && fe.protocol !== 'https:') throw new Error('not http');
  } catch {
    fe = new URL('http://invalid.invalid');
    feError = new StreamLoadError('protocol', `The FE URL "${target.feUrl}" is not an http:// or https:// URL (e.g. http://127.0.0.1:8030).`);
  }
  // The FE socket is dropped after each 307 (the unsent body leaves it unusable, as with curl), so no keep-alive.
  const feAgent = fe.protocol === 'https:' ? new https.Agent({ keepAlive: false, ...tls }) : new http.Agent({ keepAlive: false });
  const pools = new Map<string, Pool>();
  let closed = false;

  function pool(origin: string): Pool {
    let p = pools.get(origin);
    if (p) {
      pools.delete(origin); // re-insert: the map's order is least recently used first
      pools.set(origin, p);
      return p;
    }
    if (pools.size >= MAX_BACKEND_POOLS) {
      const [oldest, old] = pools.entries().next().value as [string, Pool];
      pools.delete(oldest);
      void old.close().catch(() => undefined);
    }
    p = new Pool(origin, {
      connections: options.connectionsPerBackend ?? 8,
      keepAliveTimeout: 10000,
      keepAliveMaxTimeout: 30000,
      connect: { timeout: connectTimeout, ...tls },
    });
    pools.set(origin, p);
    return p;
  }

  function transportError(e: unknown, url: string, role: string, d: Deadline, request: StreamLoadRequest): Error {
    if (e instanceof StreamLoadError) return e;
    if (d.timedOut()) {
      return new StreamLoadError('timeout', `Stream Load of label ${request.label} into ${request.db}.${request.table} did not finish within ${Math.round(request.timeoutMs / 1000)} s (${role} ${url}).`);
    }
    if (request.signal?.aborted) return request.signal.reason instanceof Error ? request.signal.reason : new Error('aborted');
    const code = errorCode(e);
    const text = errorText(e);
    if (code && UNREACHABLE.has(code)) {
      return new StreamLoadError('unreachable', `Cannot reach the StarRocks ${role} at ${url}: ${text}. Check the FE URL, and that StarRocks runs and is reachable from this machine.`);
    }
    if ((code && TLS.test(code)) || /certificate|SSL routines|wrong version number/i.test(text)) {
      return new StreamLoadError('unreachable', `TLS connection to the StarRocks ${role} at ${url} failed: ${text}. Check the CA setting, or use http:// if the port is not TLS.`);
    }
    if (e instanceof undiciErrors.HeadersTimeoutError || e instanceof undiciErrors.BodyTimeoutError) {
      return new StreamLoadError('timeout', `The StarRocks ${role} at ${url} did not answer in time: ${text}.`);
    }
    return new StreamLoadError('transient', `Stream Load connection to the StarRocks ${role} at ${url} failed: ${text}.`);
  }

  function checkAnswer(answer: StreamLoadResponse, request: StreamLoadRequest, role: string): StreamLoadResponse {
    if (answer.Status === 'Success' || answer.Status === 'Publish Timeout' || answer.Status === 'Label Already Exists') return answer;
    if (AUTH_MESSAGE.test(answer.Message)) {
      throw new StreamLoadError('authentication', `StarRocks refused user ${target.user}'s password or privileges (${role}: ${answer.Message}). Check the user, its password and INSERT on ${request.db}.${request.table}.`);
    }
    if (UNKNOWN_TABLE.test(answer.Message)) {
      throw new StreamLoadError('unknownTable', `StarRocks has no table ${request.db}.${request.table}: ${answer.Message}`);
    }
    return answer;
  }

  function statusError(status: number, body: string, url: string, role: string, request: StreamLoadRequest): StreamLoadError {
    const snippet = body.trim().slice(0, 200).replace(/\s+/g, ' ');
    if (status === 401 || status === 403) {
      return new StreamLoadError('authentication', `StarRocks refused user ${target.user}'s password or privileges (HTTP ${status} from the ${role} at ${url}${snippet ? `: ${snippet}` : ''}). Check the user, its password and INSERT on ${request.db}.${request.table}.`);
    }
    if (status === 404 && UNKNOWN_TABLE.test(body)) return new StreamLoadError('unknownTable', `StarRocks has no table ${request.db}.${request.table}: ${snippet}`);
    if (status >= 500) return new StreamLoadError('transient', `The StarRocks ${role} at ${url} answered HTTP ${status}${snippet ? `: ${snippet}` : ''}.`);
    return new StreamLoadError('protocol', `The StarRocks ${role} at ${url} answered HTTP ${status}, which is not a Stream Load answer${snippet ? `: ${snippet}` : ''}.`);
  }

  function headersFor(request: StreamLoadRequest): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(request.headers)) if (!RESERVED.has(k.toLowerCase())) headers[k] = v;
    headers.label = request.label;
    headers.authorization = authorization;
    headers['content-length'] = String(request.body.length);
    return headers;
  }

  type FeResult = { kind: 'redirect'; location: URL } | { kind: 'answer'; answer: StreamLoadResponse };

  /** Step 1: headers with Expect to the FE; the body only if the server asks for it (a BE given directly). */
  function askFe(url: URL, request: StreamLoadRequest, headers: Record<string, string>, d: Deadline): Promise<FeResult> {
    return new Promise<FeResult>((resolve, reject) => {
      const mod = url.protocol === 'https:' ? https : http;
      let bodySent = false;
      let settled = false;
      const done = (f: () => void) => {
        if (!settled) {
          settled = true;
          clearTimeout(fallback);
          f();
        }
      };
      const req = mod.request(url, { method: 'PUT', agent: feAgent, headers: { ...headers, expect: '100-continue' }, signal: d.signal, timeout: connectTimeout });
      const sendBody = () => {
        if (bodySent || settled) return;
        bodySent = true;
        req.setTimeout(0); // from here the load itself runs; only the deadline limits it
        req.end(request.body);
      };
      const fallback = setTimeout(sendBody, expectTimeout);
      req.on('continue', sendBody);
      // `timeout` only guards the idle socket before an answer; the deadline covers the rest.
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${connectTimeout} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => done(() => reject(transportError(e, url.origin, 'FE', d, request))));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status === 307 || status === 308 || status === 301 || status === 302 || status === 303) {
          const location = res.headers.location;
          res.resume();
          // The body was not sent, so this socket cannot carry another request.
          req.destroy();
          done(() => {
            if (!location) reject(new StreamLoadError('protocol', `The StarRocks FE at ${url.origin} redirected without a Location header.`));
            else {
              try {
                resolve({ kind: 'redirect', location: new URL(location, url) });
              } catch {
                reject(new StreamLoadError('protocol', `The StarRocks FE at ${url.origin} redirected to an invalid Location "${location}".`));
              }
            }
          });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => done(() => reject(transportError(e, url.origin, 'FE', d, request))));
        res.on('end', () => {
          if (!bodySent) req.destroy(); // answered before taking the body (an error): drop the half-used socket
          const text = Buffer.concat(chunks).toString('utf8');
          done(() => {
            try {
              if (status !== 200) throw statusError(status, text, url.origin, 'FE', request);
              resolve({ kind: 'answer', answer: checkAnswer(parseAnswer(text, `The StarRocks FE at ${url.origin}`), request, 'FE') });
            } catch (e) {
              reject(e);
            }
          });
        });
      });
      req.flushHeaders();
    });
  }

  /** Step 2: the body to the BE the FE chose, with the credentials again. One retry if a reused socket was closed. */
  async function sendToBackend(location: URL, request: StreamLoadRequest, headers: Record<string, string>, d: Deadline): Promise<StreamLoadResponse> {
    const origin = location.origin;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await pool(origin).request({
          path: location.pathname + location.search,
          method: 'PUT',
          headers,
          body: request.body,
          signal: d.signal,
          headersTimeout: Math.max(1, request.timeoutMs),
          bodyTimeout: Math.max(1, request.timeoutMs),
        });
        const text = await res.body.text();
        if (res.statusCode >= 300 && res.statusCode < 400) {
          throw new StreamLoadError('protocol', `The StarRocks BE at ${origin} redirected again (HTTP ${res.statusCode}); only one FE-to-BE redirect is supported (is enable_merge_commit set?).`);
        }
        if (res.statusCode !== 200) throw statusError(res.statusCode, text, origin, 'BE', request);
        return checkAnswer(parseAnswer(text, `The StarRocks BE at ${origin}`), request, 'BE');
      } catch (e) {
        const code = errorCode(e);
        const reset = code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
        // The label makes a repeat safe: StarRocks answers Label Already Exists if the first one got through.
        if (reset && attempt === 1 && !d.signal.aborted) {
          log('debug', `Stream Load ${request.label}: connection to BE ${origin} was reset (${errorText(e)}); retrying once.`);
          continue;
        }
        throw transportError(e, origin, 'BE', d, request);
      }
    }
  }

  return {
    async load(request) {
      if (feError) throw feError;
      if (closed) throw new StreamLoadError('transient', 'The Stream Load client is closed.');
      const base = fe.pathname.replace(/\/+$/, '');
      const url = new URL(`${base}/api/${encodeURIComponent(request.db)}/${encodeURIComponent(request.table)}/_stream_load`, fe);
      const headers = headersFor(request);
      const d = deadline(request.timeoutMs, request.signal);
      const t0 = Date.now();
      try {
        const first = await askFe(url, request, headers, d);
        if (first.kind === 'answer') {
          log('debug', `Stream Load ${request.label} into ${request.db}.${request.table}: ${first.answer.Status} from ${url.origin} directly (${Date.now() - t0} ms)`);
          return first.answer;
        }
        const t1 = Date.now();
        const answer = await sendToBackend(first.location, request, headers, d);
        log('debug', `Stream Load ${request.label} into ${request.db}.${request.table}: ${answer.Status}, ${request.body.length} bytes via BE ${first.location.origin} (FE ${t1 - t0} ms, BE ${Date.now() - t1} ms)`);
        return answer;
      } finally {
        d.dispose();
      }
    },

    async close() {
      closed = true;
      feAgent.destroy();
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close().catch(() => undefined)));
    },
  };
}
