// A tiny FE/BE pair on node:http that behaves like StarRocks' Stream Load where the client can tell:
// the FE requires Expect: 100-continue, checks the password and answers 307 without credentials and without
// reading the body; the BE checks Basic auth itself and always answers HTTP 200 with StarRocks' JSON.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  remotePort: number;
}

export interface TinyStarRocks {
  feUrl: string;
  beUrl: string;
  fe: SeenRequest[];
  be: SeenRequest[];
  /** Body bytes the FE received (StarRocks never reads them; a correct client never sends them). */
  feBodyBytes(): number;
  stop(): Promise<void>;
}

export interface TinyOptions {
  users?: Record<string, string>;
  /** The FE redirects here instead of to the BE (e.g. a closed port). */
  redirectTo?: string;
  tls?: { key: string; cert: string };
}

function basicUser(headers: http.IncomingHttpHeaders): { user: string; password: string } | undefined {
  const auth = headers.authorization;
  if (!auth?.startsWith('Basic ')) return undefined;
  const text = Buffer.from(auth.slice(6), 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { user: text.slice(0, i), password: text.slice(i + 1) };
}

const json = (res: http.ServerResponse, body: unknown, status = 200) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

export async function startTinyStarRocks(options: TinyOptions = {}): Promise<TinyStarRocks> {
  const users = options.users ?? { root: 'secret-pw' };
  const fe: SeenRequest[] = [];
  const be: SeenRequest[] = [];
  const labels = new Map<string, number>();
  let txn = 1000;
  let feBody = 0;
  const scheme = options.tls ? 'https' : 'http';
  const create = (handler: http.RequestListener) =>
    options.tls ? https.createServer({ ...options.tls }, handler) : http.createServer(handler);

  const authorized = (headers: http.IncomingHttpHeaders) => {
    const u = basicUser(headers);
    return u !== undefined && users[u.user] === u.password;
  };

  let beUrl = '';
  const feHandler = (req: http.IncomingMessage, res: http.ServerResponse, expect: boolean) => {
    fe.push({ url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0), remotePort: req.socket.remotePort ?? 0 });
    req.on('data', (c: Buffer) => (feBody += c.length));
    const m = /^\/api\/([^/]+)\/([^/]+)\/_stream_load/.exec(req.url ?? '');
    if (req.method !== 'PUT' || !m) return json(res, { status: 404, msg: 'not found' }, 404);
    if (!authorized(req.headers)) {
      const u = basicUser(req.headers);
      return json(res, { Status: 'FAILED', Message: `Access denied for user '${u?.user ?? ''}'` }, 401);
    }
    if (!expect) {
      res.setHeader('connection', 'close');
      return json(res, { Status: 'FAILED', Message: 'class com.starrocks.common.DdlException: There is no 100-continue header' });
    }
    if (decodeURIComponent(m[1]) === 'nodb') return json(res, { Status: 'FAILED', Message: 'unknown database, database=nodb' });
    res.writeHead(307, { location: `${options.redirectTo ?? beUrl}${req.url}`, 'content-length': 0 });
    res.end();
  };
  const feServer = create((req, res) => feHandler(req, res, false));
  feServer.on('checkContinue', (req, res) => feHandler(req, res, true));

  // The BE lets Node answer Expect with 100 Continue, so it can also stand for "a BE URL given directly".
  const beServer = create((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      be.push({ url: req.url ?? '', headers: req.headers, body, remotePort: req.socket.remotePort ?? 0 });
      const m = /^\/api\/([^/]+)\/([^/]+)\/_stream_load/.exec(req.url ?? '');
      if (!m) return json(res, { status: 404 }, 404);
      const db = decodeURIComponent(m[1]);
      const table = decodeURIComponent(m[2]);
      const label = String(req.headers.label ?? '');
      const base = { TxnId: ++txn, Label: label, Db: db, Table: table };
      if (!authorized(req.headers)) return json(res, { ...base, Status: 'Fail', Message: 'no valid Basic authorization' });
      if (table === 'missing') return json(res, { ...base, Status: 'Fail', Message: `unknown table, table=${table}` });
      if (table === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<html>oops</html>');
      }
      if (labels.has(`${db}/${label}`)) {
        return json(res, { ...base, TxnId: labels.get(`${db}/${label}`), Status: 'Label Already Exists', ExistingJobStatus: 'FINISHED', Message: `Label [${label}] has already been used.` });
      }
      const rows = body.length === 0 ? 0 : body.toString('utf8').split('\n').filter((l) => l.length > 0).length;
      const answer = () => {
        if (table === 'filtered') {
          return json(res, { ...base, Status: 'Fail', Message: 'too many filtered rows', NumberTotalRows: rows, NumberLoadedRows: 0, NumberFilteredRows: rows, ErrorURL: `${beUrl}/api/_load_error_log?file=x` });
        }
        labels.set(`${db}/${label}`, base.TxnId);
        json(res, {
          ...base,
          Status: table === 'publish' ? 'Publish Timeout' : 'Success',
          Message: table === 'publish' ? 'transaction commit successfully, BUT data will be visible later' : 'OK',
          NumberTotalRows: rows,
          NumberLoadedRows: rows,
          NumberFilteredRows: 0,
          NumberUnselectedRows: 0,
          LoadBytes: body.length,
          LoadTimeMs: 1,
        });
      };
      if (table === 'slow') setTimeout(answer, 1500);
      else answer();
    });
  });

  const listen = (s: http.Server) => new Promise<number>((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
  const bePort = await listen(beServer);
  const fePort = await listen(feServer);
  beUrl = `${scheme}://127.0.0.1:${bePort}`;
  return {
    feUrl: `${scheme}://127.0.0.1:${fePort}`,
    beUrl,
    fe,
    be,
    feBodyBytes: () => feBody,
    async stop() {
      for (const s of [feServer, beServer]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}
