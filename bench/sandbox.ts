// How fast the sandbox takes CSV over Stream Load: ~100-byte rows into a DUPLICATE KEY table, over real
// HTTP on loopback (FE 307 handshake once per load, then the body to the BE).
// Run: node --import tsx bench/sandbox.ts [rows] [rowsPerLoad]
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { startSandbox } from '../sandbox/src/server';

const DDL = `
CREATE DATABASE bench;
CREATE TABLE bench.events (
  id bigint NOT NULL,
  ts datetime NOT NULL,
  user_name varchar(32) NULL,
  city varchar(32) NULL,
  qty int NULL,
  amount double NULL
) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 8;
`;

export interface SandboxBenchResult {
  rows: number;
  bytes: number;
  loads: number;
  seconds: number;
  rowsPerSecond: number;
  /** CPU seconds the process used (client and sandbox together): the rate per core, whatever else runs on the machine. */
  cpuSeconds: number;
  rowsPerCpuSecond: number;
  megabytesPerSecond: number;
}

function makeBody(first: number, count: number): Buffer {
  const cities = ['Amsterdam', 'Berlin', 'Copenhagen', 'Dublin', 'Edinburgh', 'Florence', 'Geneva', 'Helsinki'];
  const lines: string[] = [];
  for (let i = first; i < first + count; i++) {
    const sec = String(i % 60).padStart(2, '0');
    lines.push(`${1_000_000_000 + i}\t2024-05-0${1 + (i % 9)} 12:34:${sec}\tcustomer_${String(i).padStart(12, "0")}_account\t${cities[i % 8]}-central-district-${i % 1000}\t${i % 500}\t${(i % 100_000) / 100}`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

/** The FE step: Expect: 100-continue, no body; answers the BE Location. */
function redirect(feUrl: string, auth: string, label: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${feUrl}/api/bench/events/_stream_load`, { method: 'PUT', agent: false, headers: { Authorization: auth, Expect: '100-continue', label, 'Content-Length': '1' } });
    req.on('response', (res) => {
      res.resume();
      req.destroy();
      if (res.statusCode === 307 && res.headers.location) resolve(res.headers.location);
      else reject(new Error(`FE answered ${res.statusCode}`));
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

export async function benchSandbox(totalRows = 1_000_000, rowsPerLoad = 100_000): Promise<SandboxBenchResult> {
  const sandbox = await startSandbox({ ddl: DDL });
  const auth = `Basic ${Buffer.from('root:').toString('base64')}`;
  try {
    const bodies: Buffer[] = [];
    for (let first = 0; first < totalRows; first += rowsPerLoad) bodies.push(makeBody(first, Math.min(rowsPerLoad, totalRows - first)));
    // One warm-up load so the JIT has seen the hot loops.
    await load(sandbox.feUrl, auth, 'warmup', makeBody(0, 20_000));
    const start = performance.now();
    const cpu = process.cpuUsage();
    let bytes = 0;
    for (let i = 0; i < bodies.length; i++) {
      const result = await load(sandbox.feUrl, auth, `bench_${i}`, bodies[i]!);
      if (result.Status !== 'Success') throw new Error(`load failed: ${JSON.stringify(result)}`);
      bytes += bodies[i]!.length;
    }
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const count = sandbox.query('SELECT COUNT(*) FROM bench.events').rows[0]!['count(*)'] as number;
    if (count !== totalRows + 20_000) throw new Error(`expected ${totalRows + 20_000} rows, the table has ${count}`);
    return { rows: totalRows, bytes, loads: bodies.length, seconds, rowsPerSecond: Math.round(totalRows / seconds), cpuSeconds, rowsPerCpuSecond: Math.round(totalRows / cpuSeconds), megabytesPerSecond: Math.round(bytes / seconds / 1e5) / 10 };
  } finally {
    await sandbox.stop();
  }
}

async function load(feUrl: string, auth: string, label: string, body: Buffer): Promise<Record<string, unknown>> {
  const location = await redirect(feUrl, auth, label);
  const res = await request(location, { method: 'PUT', headers: { authorization: auth, label }, body });
  return (await res.body.json()) as Record<string, unknown>;
}

if (require.main === module) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const perLoad = Number(process.argv[3] ?? 100_000);
  benchSandbox(rows, perLoad).then(
    (r) => console.log(`sandbox: ${r.rows} CSV rows (${(r.bytes / r.rows).toFixed(0)} B/row) in ${r.loads} Stream Loads: ${r.seconds.toFixed(2)} s, ${r.rowsPerSecond.toLocaleString('en-US')} rows/s, ${r.megabytesPerSecond} MB/s; ${r.cpuSeconds.toFixed(2)} CPU s, ${r.rowsPerCpuSecond.toLocaleString('en-US')} rows per CPU second`),
    (error: unknown) => { console.error(`bench: ${error instanceof Error ? error.message : String(error)}`); process.exitCode = 1; },
  );
}
