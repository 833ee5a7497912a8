// The sandbox over HTTP: an FE port (Stream Load redirect, transaction API redirect, _schema, and the
// sandbox's own /api/_sandbox/* endpoints) and a BE port (Stream Load, transaction API, error logs).
// Both listen on 127.0.0.1 only.

import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BodyPool } from '../../engine/src/bodyPool';
import { CoreOptions, SandboxCore, SqlError } from './core';
import { PreTouched } from './preTouched';
import type { Fault, FaultSpec } from './faults';
import type { QueryResult } from './query';
import {
  checkFormat, checkTimeout, DEFAULT_TIMEOUT_S, Headers, LoadError, LoadResult, planLoad, runLoad,
} from './streamLoad';
import { LabelAlreadyExistsError, LabelFormatError, Txn } from './transactions';
import { primitiveName } from './types';

export interface SandboxOptions extends CoreOptions {
  /** FE port; 0 (default) picks a free one. */
  port?: number;
  /** BE port; 0 (default) picks a free one. */
  bePort?: number;
  /** user → password. Default: root with an empty password. */
  users?: Record<string, string>;
  /**
   * Megabytes of memory for the bodies loads keep, allocated and written at start-up (see preTouched.ts); bodies
   * go to fresh memory once it is used up. For benchmarks on the same machine as the client.
   */
  preTouchMB?: number;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT of the FE. */
  feUrl: string;
  /** http://127.0.0.1:PORT of the BE. */
  beUrl: string;
  core: SandboxCore;
  /** Runs a SELECT (read-back) in process. */
  query(sql: string): QueryResult;
  /** Runs DDL in process. */
  ddl(text: string): void;
  addFault(spec: FaultSpec): Fault;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

// ---------------------------------------------------------------- HTTP helpers

function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | number> = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) };
  if (close) headers['Connection'] = 'close';
  res.writeHead(status, headers);
  res.end(text);
}

function lowerHeaders(req: IncomingMessage): Headers {
  const out: Headers = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  return out;
}

function basicAuth(req: IncomingMessage): { user: string; password: string } | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

const MAX_RESERVED = 1 << 30;
/** Free receive buffers kept (discardRows): enough for a few loads at once. */
const RECEIVE_BUFFERS = 4;

/** The receive buffer a discarding load borrowed, and its transaction (the buffer is free once that is over). */
interface Loan {
  buffer?: Buffer;
  txn?: Txn;
}

/** Reads the whole body; sends `100 Continue` first when the client waits for it. */
function readBody(req: IncomingMessage, res: ServerResponse, onFirstChunk?: () => void, alloc: (bytes: number) => Buffer = Buffer.allocUnsafeSlow): Promise<Buffer> {
  if (/100-continue/i.test(req.headers.expect ?? '')) res.writeContinue();
  // With a Content-Length, each chunk is copied into the body as it arrives (while it is in the cache,
  // and without holding every chunk until the end); chunked bodies, and lengths too large to reserve
  // before any byte has come, are joined at the end.
  const declared = Number(req.headers['content-length']);
  let body = Number.isSafeInteger(declared) && declared > 0 && declared <= MAX_RESERVED ? alloc(declared).subarray(0, declared) : undefined;
  let filled = 0;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let first = true;
    req.on('data', (chunk: Buffer) => {
      if (body && filled + chunk.length <= body.length) filled += chunk.copy(body, filled);
      else {
        // More than declared (the parser does not allow it; kept simple): back to joining chunks.
        if (body) chunks.push(body.subarray(0, filled));
        body = undefined;
        chunks.push(chunk);
      }
      if (first && onFirstChunk) {
        first = false;
        onFirstChunk();
      }
    });
    req.on('end', () => {
      if (body) resolve(filled === body.length ? body : body.subarray(0, filled));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', reject);
    req.on('close', () => { if (!req.complete) reject(new Error('connection closed before the body ended')); });
  });
}

function ms(start: number): number {
  return Math.round(performance.now() - start);
}

// ---------------------------------------------------------------- the servers

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const core = new SandboxCore(options);
  const users = options.users ?? { root: '' };
  const sockets = new Set<Socket>();
  let beUrl = '';
  /** Transaction API error logs, per transaction, until prepare/commit reports them. */
  const txnErrors = new Map<number, string[]>();

  const authorized = (auth: { user: string; password: string }): boolean =>
    Object.prototype.hasOwnProperty.call(users, auth.user) && users[auth.user] === auth.password;
  const denied = (auth: { user: string; password: string }, req: IncomingMessage): string =>
    `Access denied for ${auth.user}@${req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? HOST}`;

  // ------------------------------------------------------------ FE

  const fe = createServer();
  const handleFe = (req: IncomingMessage, res: ServerResponse): void => {
    feRequest(req, res).catch((error: unknown) => internalError(res, error));
  };
  fe.on('request', handleFe);
  // Without this listener Node would answer 100 Continue itself; the FE must redirect without reading the body.
  fe.on('checkContinue', handleFe);

  const feAuth = (req: IncomingMessage, res: ServerResponse): boolean => {
    const auth = basicAuth(req);
    if (auth && authorized(auth)) return true;
    const message = auth ? denied(auth, req) : 'Need auth information.';
    res.setHeader('WWW-Authenticate', 'Basic realm=""');
    sendJson(res, 401, { status: 'FAILED', code: '1', msg: message, message }, true);
    return false;
  };

  const redirect = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    // StarRocks' Location carries no user-info: the client must send Authorization again.
    res.writeHead(307, { Location: `${beUrl}${url.pathname}${url.search}`, 'Content-Length': 0, Connection: 'close' });
    res.end();
  };

  async function feRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path.startsWith('/api/_sandbox/')) return sandboxRequest(req, res, path.slice('/api/_sandbox/'.length), method, url);
    if (path === '/api/health') return sendJson(res, 200, { status: 'OK', msg: 'Success' });

    const load = /^\/api\/([^/]*)\/([^/]*)\/_stream_load$/.exec(path);
    if (load) {
      if (method !== 'PUT') return sendJson(res, 405, { status: 'FAILED', msg: `Method ${method} not allowed: Stream Load is PUT` }, true);
      if (!feAuth(req, res)) return;
      // StarRocks checks Expect on HTTP/1.1 and later only.
      const http11 = req.httpVersionMajor > 1 || (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1);
      if (http11 && !/^100-continue$/i.test((req.headers.expect ?? '').trim())) {
        return sendJson(res, 200, { Status: 'FAILED', Message: 'class com.starrocks.common.DdlException: There is no 100-continue header' }, true);
      }
      if (decodeURIComponent(load[1]!) === '') return sendJson(res, 200, { Status: 'FAILED', Message: 'class com.starrocks.common.DdlException: No database selected.' }, true);
      if (decodeURIComponent(load[2]!) === '') return sendJson(res, 200, { Status: 'FAILED', Message: 'class com.starrocks.common.DdlException: No table selected.' }, true);
      return redirect(req, res);
    }

    const txn = /^\/api\/transaction\/(begin|load|prepare|commit|rollback)$/.exec(path);
    if (txn) {
      if (method !== 'POST' && method !== 'PUT') return sendJson(res, 405, { status: 'FAILED', msg: `Method ${method} not allowed` }, true);
      if (!feAuth(req, res)) return;
      const headers = lowerHeaders(req);
      if (!headers['label']) return sendJson(res, 200, { Status: 'FAILED', Message: 'Empty label.' }, true);
      if (!headers['db']) return sendJson(res, 200, { Status: 'FAILED', Message: 'No database selected.' }, true);
      return redirect(req, res);
    }

    const schema = /^\/api\/([^/]+)\/([^/]+)\/_schema$/.exec(path);
    if (schema && method === 'GET') {
      if (!feAuth(req, res)) return;
      const db = decodeURIComponent(schema[1]!);
      const table = decodeURIComponent(schema[2]!);
      if (!core.catalog.database(db)) return sendJson(res, 404, { status: 404, exception: `Database [${db}] does not exists` });
      const def = core.catalog.table(db, table);
      if (!def) return sendJson(res, 404, { status: 404, exception: `Table [${table}] does not exists` });
      const properties = def.columns.map((c) => {
        const p: Record<string, string> = {};
        if (c.type.name === 'decimal') {
          p.precision = String(c.type.length);
          p.scale = String(c.type.scale);
        }
        p.type = primitiveName(c.type);
        p.comment = c.comment;
        p.name = c.name;
        return p;
      });
      return sendJson(res, 200, { status: 200, properties });
    }
    sendJson(res, 404, { status: 'FAILED', msg: `No handler for ${method} ${path}` });
  }

  async function sandboxRequest(req: IncomingMessage, res: ServerResponse, route: string, method: string, url: URL): Promise<void> {
    if ((route === 'sql' || route === 'query') && method === 'POST') {
      const text = (await readBody(req, res)).toString('utf8');
      let sql = text;
      if ((req.headers['content-type'] ?? '').includes('json')) {
        try {
          sql = String((JSON.parse(text) as { sql?: unknown }).sql ?? '');
        } catch {
          return sendJson(res, 400, { status: 'FAILED', message: 'Body is not JSON: send {"sql": "..."} or plain SQL text' });
        }
      }
      if (route === 'query' && !/^\s*select\b/i.test(sql)) return sendJson(res, 400, { status: 'FAILED', message: '/api/_sandbox/query runs SELECT only; send DDL to /api/_sandbox/sql' });
      try {
        return sendJson(res, 200, { status: 'OK', ...core.sql(sql) });
      } catch (error) {
        if (error instanceof SqlError) return sendJson(res, 400, { status: 'FAILED', message: error.message });
        throw error;
      }
    }
    if (route === 'tables' && method === 'GET') {
      return sendJson(res, 200, {
        status: 'OK',
        tables: core.tables().map((t) => ({ db: t.db, table: t.name, keyType: t.keyType, rows: core.tableData(t.db, t.name)?.rows ?? 0 })),
      });
    }
    if (route === 'faults') {
      if (method === 'GET') return sendJson(res, 200, { status: 'OK', faults: core.faults.list(), held: core.faults.held });
      if (method === 'DELETE') {
        core.faults.clear();
        return sendJson(res, 200, { status: 'OK', faults: [] });
      }
      if (method === 'POST') {
        let spec: FaultSpec;
        try {
          spec = JSON.parse((await readBody(req, res)).toString('utf8')) as FaultSpec;
          core.faults.add(spec);
        } catch (error) {
          return sendJson(res, 400, { status: 'FAILED', message: error instanceof Error ? error.message : String(error) });
        }
        return sendJson(res, 200, { status: 'OK', faults: core.faults.list() });
      }
    }
    if (route === 'faults/release' && method === 'POST') {
      // Wait for the hold to be reached when the test asks for it, so releasing never races the load.
      return sendJson(res, 200, { status: 'OK', released: core.faults.release() });
    }
    if (route === 'transactions' && method === 'GET') {
      const db = url.searchParams.get('db');
      const label = url.searchParams.get('label');
      const list = core.txns.records().filter((t) => (!db || t.db === db) && (!label || t.label === label));
      return sendJson(res, 200, { status: 'OK', transactions: list });
    }
    sendJson(res, 404, { status: 'FAILED', message: `No sandbox endpoint ${method} /api/_sandbox/${route}` });
  }

  // ------------------------------------------------------------ BE

  const be = createServer();
  const handleBe = (req: IncomingMessage, res: ServerResponse): void => {
    beRequest(req, res).catch((error: unknown) => internalError(res, error));
  };
  be.on('request', handleBe);
  // 100 Continue is sent once the headers pass, as the BE does.
  be.on('checkContinue', handleBe);

  async function beRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    const path = url.pathname;
    const load = /^\/api\/([^/]+)\/([^/]+)\/_stream_load$/.exec(path);
    if (load && req.method === 'PUT') return streamLoad(req, res, decodeURIComponent(load[1]!), decodeURIComponent(load[2]!));
    const txn = /^\/api\/transaction\/(begin|load|prepare|commit|rollback)$/.exec(path);
    if (txn && (req.method === 'POST' || req.method === 'PUT')) return transactionRequest(req, res, txn[1]!);
    if (path === '/api/_load_error_log' && req.method === 'GET') {
      const lines = core.errorLog(url.searchParams.get('file') ?? '');
      if (!lines) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return void res.end('error log file not found\n');
      }
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end(lines.join('\n') + '\n');
    }
    sendJson(res, 404, { status: 'FAILED', msg: `No handler for ${req.method} ${path}` });
  }

  interface Timings { start: number; begin: number; plan: number; read: number; write: number; commit: number }

  const streamLoadJson = (fields: {
    txn?: Txn; label: string; db: string; table: string; status: string; message: string; existing?: string;
    result?: LoadResult; bytes?: number; t?: Timings; errorUrl?: string;
  }): Record<string, unknown> => {
    const r = fields.result;
    const t = fields.t;
    const out: Record<string, unknown> = {
      TxnId: fields.txn?.id ?? -1,
      Label: fields.label,
      Db: fields.db,
      Table: fields.table,
      Status: fields.status,
    };
    if (fields.existing) out.ExistingJobStatus = fields.existing;
    Object.assign(out, {
      Message: fields.message,
      NumberTotalRows: r?.total ?? 0,
      NumberLoadedRows: r ? r.total - r.filtered - r.unselected : 0,
      NumberFilteredRows: r?.filtered ?? 0,
      NumberUnselectedRows: r?.unselected ?? 0,
      LoadBytes: fields.bytes ?? 0,
      LoadTimeMs: t ? ms(t.start) : 0,
      BeginTxnTimeMs: t?.begin ?? 0,
      StreamLoadPlanTimeMs: t?.plan ?? 0,
      ReadDataTimeMs: t?.read ?? 0,
      WriteDataTimeMs: t?.write ?? 0,
      CommitAndPublishTimeMs: t?.commit ?? 0,
    });
    if (fields.errorUrl) out.ErrorURL = fields.errorUrl;
    return out;
  };

  const errorUrl = (lines: string[]): string | undefined =>
    lines.length === 0 ? undefined : `${beUrl}/api/_load_error_log?file=${core.saveErrorLog(lines)}`;

  // Receive buffers used again when no load keeps its body (discardRows): a fresh 100 MB buffer costs a page fault
  // per 4 KiB, the largest part of receiving a body on a small machine. The engine's pool of Stream Load bodies.
  const receiveBuffers = new BodyPool(() => RECEIVE_BUFFERS);
  const preTouched = options.preTouchMB ? new PreTouched(Math.round(options.preTouchMB * 2 ** 20)) : undefined;
  const keptBody = (bytes: number): Buffer => preTouched?.take(bytes) ?? Buffer.allocUnsafeSlow(bytes);

  async function streamLoad(req: IncomingMessage, res: ServerResponse, db: string, table: string): Promise<void> {
    if (!core.discardRows) return receiveLoad(req, res, db, table, keptBody);
    // No load keeps its body: once its transaction is over, its buffer receives the next one.
    const loan: Loan = {};
    try {
      await receiveLoad(req, res, db, table, (bytes) => (loan.buffer = receiveBuffers.take(bytes)), loan);
    } finally {
      if (loan.buffer && (!loan.txn || loan.txn.batch === undefined)) receiveBuffers.give(loan.buffer);
    }
  }

  /** `alloc`: where the body goes (it is kept with the load's rows); `loan`: a discarding load's receive buffer. */
  async function receiveLoad(req: IncomingMessage, res: ServerResponse, db: string, table: string, alloc: (bytes: number) => Buffer, loan?: Loan): Promise<void> {
    const t: Timings = { start: performance.now(), begin: 0, plan: 0, read: 0, write: 0, commit: 0 };
    const headers = lowerHeaders(req);
    const label = headers['label'] || randomUUID();
    const fail = (message: string, txn?: Txn, extra: { result?: LoadResult; bytes?: number; errorUrl?: string } = {}): void =>
      sendJson(res, 200, streamLoadJson({ txn, label, db, table, status: 'Fail', message, t, ...extra }));

    const auth = basicAuth(req);
    if (!auth) return fail('no valid Basic authorization');
    if (!authorized(auth)) return fail(denied(auth, req));

    const fault = core.faults.take(db, table);
    if (fault?.kind === 'http500') {
      res.writeHead(500, { 'Content-Type': 'text/plain', Connection: 'close' });
      return void res.end(fault.message ?? 'Internal Server Error (sandbox fault)');
    }

    let format: 'csv' | 'json';
    let timeoutS = DEFAULT_TIMEOUT_S;
    try {
      format = checkFormat(headers);
      timeoutS = checkTimeout(headers);
    } catch (error) {
      if (error instanceof LoadError) return fail(error.message);
      throw error;
    }

    // Begin the transaction (the FE's checks: database, table, label).
    const beginAt = performance.now();
    if (!core.catalog.database(db)) return fail(`unknown database, database=${db}`);
    const def = core.catalog.table(db, table);
    if (!def) return fail(`unknown table "${db}.${table}"`);
    let txn: Txn;
    try {
      txn = core.txns.begin(db, table, label, 'stream', timeoutS);
    } catch (error) {
      if (error instanceof LabelAlreadyExistsError) {
        return sendJson(res, 200, streamLoadJson({ txn: error.existing, label, db, table, status: 'Label Already Exists', existing: error.existingStatus, message: error.message, t }));
      }
      if (error instanceof LabelFormatError) return fail(error.message);
      throw error;
    }
    t.begin = ms(beginAt);
    if (loan) loan.txn = txn;

    const planAt = performance.now();
    let plan;
    try {
      plan = planLoad(def, headers, format);
    } catch (error) {
      core.abort(txn, error instanceof Error ? error.message : String(error));
      if (error instanceof LoadError) return fail(error.message, txn);
      throw error;
    }
    t.plan = ms(planAt);

    const readAt = performance.now();
    let body: Buffer;
    try {
      body = await readBody(req, res, fault?.kind === 'reset' ? () => resetSocket(req.socket) : undefined, alloc);
    } catch {
      core.abort(txn, 'the client closed the connection before the body ended');
      return;
    }
    if (fault?.kind === 'reset') {
      // The whole body fitted in one chunk: reset anyway, before any answer.
      core.abort(txn, 'connection reset (sandbox fault)');
      resetSocket(req.socket);
      return;
    }
    t.read = ms(readAt);

    const writeAt = performance.now();
    const result = runLoad(plan, body);
    t.write = ms(writeAt);
    core.stage(txn, result.batch, { total: result.total, filtered: result.filtered, unselected: result.unselected, bytes: body.length });

    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.kind === 'hold') await core.faults.hold();
    if (txn.state !== 'PREPARE') return fail('the transaction was aborted while the load ran', txn, { result, bytes: body.length });

    const url = errorUrl(result.errors);
    const considered = result.total - result.unselected;
    if (considered > 0 && result.filtered / considered > plan.maxFilterRatio) {
      core.abort(txn, 'too many filtered rows');
      return fail('too many filtered rows', txn, { result, bytes: body.length, errorUrl: url });
    }
    if (fault?.kind === 'fail') {
      const message = fault.message ?? 'load failed (sandbox fault)';
      core.abort(txn, message);
      return fail(message, txn, { result, bytes: body.length, errorUrl: url });
    }
    const commitAt = performance.now();
    core.commit(txn);
    t.commit = ms(commitAt);
    const publishTimeout = fault?.kind === 'publishTimeout';
    sendJson(res, 200, streamLoadJson({
      txn, label, db, table, result, bytes: body.length, t, errorUrl: url,
      status: publishTimeout ? 'Publish Timeout' : 'Success',
      message: publishTimeout ? 'Publish timeout. The data will be visible after a while' : 'OK',
    }));
  }

  // ------------------------------------------------------------ transaction API (BE side)

  async function transactionRequest(req: IncomingMessage, res: ServerResponse, op: string): Promise<void> {
    const start = performance.now();
    const headers = lowerHeaders(req);
    const label = headers['label'] ?? '';
    const db = headers['db'] ?? '';
    const table = headers['table'] ?? '';
    const answer = (status: string, message: string, extra: Record<string, unknown> = {}): void =>
      sendJson(res, 200, { Status: status, Message: message, Label: label, Db: db, Table: table, ...extra });

    const auth = basicAuth(req);
    if (!auth) return answer('INTERNAL_ERROR', 'no valid Basic authorization');
    if (!authorized(auth)) return answer('INTERNAL_ERROR', denied(auth, req));
    if (!label) return answer('INVALID_ARGUMENT', 'Empty label.');
    if (!db) return answer('INVALID_ARGUMENT', 'No database selected.');

    if (op === 'begin') {
      if (!table) return answer('INVALID_ARGUMENT', 'No table selected.');
      if (!core.catalog.database(db)) return answer('INTERNAL_ERROR', `unknown database, database=${db}`);
      if (!core.catalog.table(db, table)) return answer('INTERNAL_ERROR', `unknown table "${db}.${table}"`);
      let timeoutS: number;
      try {
        timeoutS = checkTimeout(headers);
        const txn = core.txns.begin(db, table, label, 'transaction', timeoutS);
        return answer('OK', '', { TxnId: txn.id, BeginTxnTimeMs: ms(start) });
      } catch (error) {
        if (error instanceof LabelAlreadyExistsError) return answer('LABEL_ALREADY_EXISTS', error.message, { ExistingJobStatus: error.existingStatus });
        if (error instanceof LoadError || error instanceof LabelFormatError) return answer('INTERNAL_ERROR', error.message);
        throw error;
      }
    }

    const txn = core.txns.find(db, label);
    if (!txn || txn.kind !== 'transaction') return answer('TXN_NOT_EXISTS', `Transaction with label ${label} does not exist`);
    const stats = (): Record<string, unknown> => ({
      TxnId: txn.id,
      NumberTotalRows: txn.stats.total,
      NumberLoadedRows: txn.stats.loaded,
      NumberFilteredRows: txn.stats.filtered,
      NumberUnselectedRows: txn.stats.unselected,
      LoadBytes: txn.stats.bytes,
      LoadTimeMs: Math.max(0, Date.now() - txn.createdMs),
      StreamLoadPlanTimeMs: 0,
      ReceivedDataTimeMs: 0,
      WriteDataTimeMs: 0,
      CommitAndPublishTimeMs: ms(start),
      ...(txn.stats.errorUrl ? { ErrorURL: txn.stats.errorUrl } : {}),
    });
    const aborted = (): void => answer('TXN_NOT_EXISTS', `Transaction ${txn.id} has been aborted: ${txn.reason ?? 'unknown reason'}`, { TxnId: txn.id });

    /** max_filter_ratio applies to the whole transaction, at prepare or commit. */
    const checkRatio = (): boolean => {
      const lines = txnErrors.get(txn.id) ?? [];
      txnErrors.delete(txn.id);
      if (lines.length > 0) txn.stats.errorUrl = errorUrl(lines);
      const considered = txn.stats.total - txn.stats.unselected;
      const ratio = Number.parseFloat(txn.loadHeaders ? (JSON.parse(txn.loadHeaders) as Headers)['max_filter_ratio'] ?? '0' : '0') || 0;
      if (considered > 0 && txn.stats.filtered / considered > ratio) {
        core.abort(txn, 'too many filtered rows');
        answer('INTERNAL_ERROR', 'too many filtered rows', stats());
        return false;
      }
      return true;
    };

    switch (op) {
      case 'load': {
        if (txn.state === 'ABORTED') return aborted();
        if (txn.state !== 'PREPARE') return answer('INTERNAL_ERROR', `Transaction ${txn.id} is ${txn.state}, it cannot take more data`, { TxnId: txn.id });
        const target = table || txn.table;
        const def = core.catalog.table(db, target);
        if (!def) {
          core.abort(txn, `unknown table "${db}.${target}"`);
          return answer('INTERNAL_ERROR', `unknown table "${db}.${target}"`, { TxnId: txn.id });
        }
        const planAt = performance.now();
        let plan;
        try {
          const format = checkFormat(headers);
          plan = planLoad(def, headers, format);
        } catch (error) {
          if (!(error instanceof LoadError)) throw error;
          core.abort(txn, error.message);
          return answer('INTERNAL_ERROR', error.message, { TxnId: txn.id });
        }
        const planMs = ms(planAt);
        const readAt = performance.now();
        let body: Buffer;
        try {
          body = await readBody(req, res, undefined, keptBody);
        } catch {
          core.abort(txn, 'the client closed the connection before the body ended');
          return;
        }
        const result = runLoad(plan, body);
        core.stage(txn, result.batch, { total: result.total, filtered: result.filtered, unselected: result.unselected, bytes: body.length });
        if (result.errors.length > 0) txnErrors.set(txn.id, [...(txnErrors.get(txn.id) ?? []), ...result.errors]);
        if (!txn.loadHeaders) txn.loadHeaders = JSON.stringify({ max_filter_ratio: headers['max_filter_ratio'] });
        return answer('OK', '', { TxnId: txn.id, LoadBytes: body.length, StreamLoadPlanTimeMs: planMs, ReceivedDataTimeMs: ms(readAt) });
      }
      case 'prepare': {
        if (txn.state === 'ABORTED') return aborted();
        if (txn.state === 'PREPARED') return answer('OK', '', stats());
        if (txn.state !== 'PREPARE') return answer('INTERNAL_ERROR', `Transaction ${txn.id} is already ${txn.state}`, { TxnId: txn.id });
        if (!checkRatio()) return;
        core.prepare(txn);
        return answer('OK', '', stats());
      }
      case 'commit': {
        if (txn.state === 'VISIBLE' || txn.state === 'COMMITTED') return answer('OK', 'Transaction already commited', stats());
        if (txn.state === 'ABORTED') return aborted();
        if (txn.state === 'PREPARE' && !checkRatio()) return;
        core.commit(txn);
        return answer('OK', '', stats());
      }
      case 'rollback': {
        if (txn.state === 'ABORTED') return answer('OK', '', { TxnId: txn.id });
        if (txn.state === 'VISIBLE' || txn.state === 'COMMITTED') return answer('INTERNAL_ERROR', `Transaction ${txn.id} is already committed, it cannot be rolled back`, { TxnId: txn.id });
        core.abort(txn, 'rolled back by the client');
        txnErrors.delete(txn.id);
        return answer('OK', '', { TxnId: txn.id });
      }
    }
  }

  // ------------------------------------------------------------ lifecycle

  for (const server of [fe, be]) {
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('clientError', (_error, socket: Socket) => socket.destroy());
  }
  const listen = (server: Server, port: number): Promise<number> => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
  const bePort = await listen(be, options.bePort ?? 0);
  beUrl = `http://${HOST}:${bePort}`;
  let fePort: number;
  try {
    fePort = await listen(fe, options.port ?? 0);
  } catch (error) {
    await new Promise((resolve) => be.close(resolve));
    throw error;
  }

  let stopped = false;
  return {
    feUrl: `http://${HOST}:${fePort}`,
    beUrl,
    core,
    query: (sql) => {
      const result = core.sql(sql);
      if (!('rows' in result)) throw new Error('query() runs SELECT; use ddl() for DDL');
      return result;
    },
    ddl: (text) => void core.executeDdl(text),
    addFault: (spec) => core.faults.add(spec),
    async stop() {
      if (stopped) return;
      stopped = true;
      core.faults.release();
      const closing = [fe, be].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const socket of sockets) socket.destroy();
      await Promise.all(closing);
    },
  };
}

function resetSocket(socket: Socket): void {
  // An RST, not a FIN: what a crashed or killed BE looks like to the client.
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

function internalError(res: ServerResponse, error: unknown): void {
  if (process.env.ROUTINE_LOAD_DEBUG) console.error(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 500, { status: 'FAILED', msg: `sandbox internal error: ${error instanceof Error ? error.message : String(error)}` });
}
