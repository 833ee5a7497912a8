// The Stream Load client against a tiny StarRocks-like FE/BE: the Expect/307 handshake, auth re-sent to the BE,
// StarRocks' answers, and the transport failures mapped to error kinds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createStreamLoadClient } from '../../../engine/src/streamload';
import type { StreamLoadClient } from '../../../engine/src/ports';
import { csvRequests, rejectsWith } from '../../helpers/streamload';
import { startTinyStarRocks, type TinyStarRocks } from './tiny-starrocks';

const PASSWORD = 'secret-pw';
const request = csvRequests('job-1-', {
  db: 'db1',
  table: 't1',
  headers: { format: 'csv', column_separator: ',', columns: 'a,b' },
  body: Buffer.from('1,x\n2,y\n3,z\n'),
  timeoutMs: 5000,
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('Stream Load client (tiny FE/BE)', () => {
  let sr: TinyStarRocks;
  let client: StreamLoadClient;
  const logs: string[] = [];
  const clients: StreamLoadClient[] = [];
  const make = (feUrl: string, user = 'root', password = PASSWORD, options = {}) => {
    const c = createStreamLoadClient({ feUrl, user, password }, { log: (_l, m) => logs.push(m), ...options });
    clients.push(c);
    return c;
  };

  before(async () => {
    sr = await startTinyStarRocks({ users: { root: PASSWORD } });
    client = make(sr.feUrl);
  });
  after(async () => {
    for (const c of clients) await c.close();
    await sr.stop();
  });

  it('asks the FE with Expect and no body, then sends the body and the credentials to the BE', async () => {
    const feBefore = sr.fe.length;
    const r = await client.load(request({ label: 'handshake-1', headers: { format: 'csv', columns: 'a,b', Expect: 'nope', Authorization: 'Basic eA==' } }));
    assert.equal(r.Status, 'Success');
    assert.equal(r.NumberLoadedRows, 3);
    assert.equal(r.Label, 'handshake-1');
    const feReq = sr.fe[sr.fe.length - 1];
    assert.equal(sr.fe.length, feBefore + 1);
    assert.equal(feReq.headers.expect, '100-continue');
    assert.equal(feReq.url, '/api/db1/t1/_stream_load');
    assert.equal(sr.feBodyBytes(), 0, 'the body never goes to the FE');
    const beReq = sr.be[sr.be.length - 1];
    assert.equal(beReq.headers.authorization, 'Basic ' + Buffer.from(`root:${PASSWORD}`).toString('base64'));
    assert.equal(beReq.headers.label, 'handshake-1');
    assert.equal(beReq.headers.format, 'csv');
    assert.equal(beReq.headers.columns, 'a,b');
    assert.equal(beReq.headers.expect, undefined);
    assert.equal(beReq.body.toString(), '1,x\n2,y\n3,z\n');
  });

  it('asks the FE for every load and reuses BE connections', async () => {
    const feBefore = sr.fe.length;
    const beBefore = sr.be.length;
    for (let i = 0; i < 6; i++) assert.equal((await client.load(request())).Status, 'Success');
    assert.equal(sr.fe.length - feBefore, 6);
    const ports = new Set(sr.be.slice(beBefore).map((r) => r.remotePort));
    assert.equal(ports.size, 1, `BE connections: ${[...ports].join(', ')}`);
  });

  it('escapes db and table names in the path', async () => {
    await client.load(request({ db: 'my db', table: 't/1' }));
    assert.equal(sr.fe[sr.fe.length - 1].url, '/api/my%20db/t%2F1/_stream_load');
  });

  it('returns Label Already Exists with ExistingJobStatus', async () => {
    const req = request({ label: 'dup-1' });
    assert.equal((await client.load(req)).Status, 'Success');
    const again = await client.load({ ...req });
    assert.equal(again.Status, 'Label Already Exists');
    assert.equal(again.ExistingJobStatus, 'FINISHED');
  });

  it('returns Publish Timeout and Fail answers as they are', async () => {
    const pt = await client.load(request({ table: 'publish' }));
    assert.equal(pt.Status, 'Publish Timeout');
    const fail = await client.load(request({ table: 'filtered' }));
    assert.equal(fail.Status, 'Fail');
    assert.equal(fail.Message, 'too many filtered rows');
    assert.match(String(fail.ErrorURL), /_load_error_log/);
  });

  it('reports a wrong password as authentication, naming the user but never the password', async () => {
    const c = make(sr.feUrl, 'root', 'wrong-pw');
    const e = await rejectsWith(c.load(request()), 'authentication', /StarRocks refused user root's password/);
    assert.ok(!e.message.includes('wrong-pw'));
  });

  it('reports a BE-side "no valid Basic authorization" as authentication', async () => {
    // An FE that lets anyone through: only the BE checks.
    const open = await startTinyStarRocks({ users: { root: PASSWORD } });
    const lenient = http.createServer((req, res) => {
      res.writeHead(307, { location: `${open.beUrl}${req.url}` });
      res.end();
    });
    lenient.on('checkContinue', (req, res) => {
      res.writeHead(307, { location: `${open.beUrl}${req.url}` });
      res.end();
    });
    await new Promise<void>((r) => lenient.listen(0, '127.0.0.1', () => r()));
    const c = make(`http://127.0.0.1:${(lenient.address() as AddressInfo).port}`, 'root', 'bad');
    await rejectsWith(c.load(request()), 'authentication', /no valid Basic authorization/);
    lenient.closeAllConnections();
    await new Promise<void>((r) => lenient.close(() => r()));
    await open.stop();
  });

  it('reports unknown databases and tables', async () => {
    await rejectsWith(client.load(request({ db: 'nodb' })), 'unknownTable', /nodb.*unknown database/);
    await rejectsWith(client.load(request({ table: 'missing' })), 'unknownTable', /db1\.missing/);
  });

  it('reports an unreachable FE and an unreachable BE with their URLs', async () => {
    const port = await closedPort();
    const t0 = Date.now();
    await rejectsWith(make(`http://127.0.0.1:${port}`).load(request()), 'unreachable', new RegExp(`FE at http://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`));
    assert.ok(Date.now() - t0 < 2000);
    const badBe = await startTinyStarRocks({ users: { root: PASSWORD }, redirectTo: `http://127.0.0.1:${port}` });
    await rejectsWith(make(badBe.feUrl).load(request()), 'unreachable', new RegExp(`BE at http://127\\.0\\.0\\.1:${port}`));
    await badBe.stop();
  });

  it('times out a load that takes longer than timeoutMs', async () => {
    const t0 = Date.now();
    await rejectsWith(client.load(request({ table: 'slow', timeoutMs: 300 })), 'timeout', /did not finish within/);
    assert.ok(Date.now() - t0 < 1200, `took ${Date.now() - t0} ms`);
  });

  it('stops when the signal aborts, with the signal\'s reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop requested')), 100);
    await assert.rejects(client.load(request({ table: 'slow', signal: controller.signal })), /stop requested/);
  });

  it('reports an answer that is not JSON as a protocol error', async () => {
    await rejectsWith(client.load(request({ table: 'garbage' })), 'protocol', /not Stream Load JSON: "<html>oops<\/html>"/);
  });

  it('rejects an FE URL that is not http(s)', async () => {
    await rejectsWith(make('ftp://fe:8030').load(request()), 'protocol', /not an http/);
  });

  it('loads directly when the URL is a BE that says 100 Continue', async () => {
    const r = await make(sr.beUrl).load(request({ label: 'direct-1' }));
    assert.equal(r.Status, 'Success');
    assert.equal(sr.be[sr.be.length - 1].body.toString(), '1,x\n2,y\n3,z\n');
  });

  it('sends the body anyway to a server that never says 100 Continue', async () => {
    let got = '';
    const silent = http.createServer();
    silent.on('checkContinue', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got = Buffer.concat(chunks).toString();
        res.end(JSON.stringify({ Status: 'Success', Message: 'OK', NumberLoadedRows: 3 }));
      });
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const c = make(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, 'root', PASSWORD, { expectContinueTimeoutMs: 100 });
    assert.equal((await c.load(request())).Status, 'Success');
    assert.equal(got, '1,x\n2,y\n3,z\n');
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('never logs the password or the Authorization header', () => {
    assert.ok(logs.length > 0);
    const all = logs.join('\n');
    assert.ok(!all.includes(PASSWORD));
    assert.ok(!all.includes(Buffer.from(`root:${PASSWORD}`).toString('base64')));
    assert.ok(!/authorization/i.test(all));
  });
});

describe('Stream Load client over HTTPS', () => {
  let dir: string;
  let sr: TinyStarRocks | undefined;
  let ca = '';
  const clients: StreamLoadClient[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rl-streamload-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    } catch {
      return; // no openssl: the tests below skip
    }
    ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
    sr = await startTinyStarRocks({ users: { root: PASSWORD }, tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: ca } });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await sr?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does both steps over TLS with a given CA', async (t) => {
    if (!sr) return t.skip('openssl is not installed');
    const c = createStreamLoadClient({ feUrl: sr.feUrl, user: 'root', password: PASSWORD }, { ca });
    clients.push(c);
    assert.equal((await c.load(request())).Status, 'Success');
    assert.match(sr.be[sr.be.length - 1].headers.authorization ?? '', /^Basic /);
  });

  it('refuses an untrusted certificate, and accepts it with rejectUnauthorized=false', async (t) => {
    if (!sr) return t.skip('openssl is not installed');
    const strict = createStreamLoadClient({ feUrl: sr.feUrl, user: 'root', password: PASSWORD });
    const lax = createStreamLoadClient({ feUrl: sr.feUrl, user: 'root', password: PASSWORD }, { rejectUnauthorized: false });
    clients.push(strict, lax);
    await rejectsWith(strict.load(request()), 'unreachable', /TLS connection to the StarRocks FE .*CA/);
    assert.equal((await lax.load(request())).Status, 'Success');
  });
});
