// How fast the sandbox takes Stream Loads over real HTTP on loopback (FE 307 handshake once per load,
// then the body to the BE), client and sandbox in one process:
// - csv: ~100-byte rows into a DUPLICATE KEY table, columns by position;
// - json: ~500-byte rows sent as the engine sends them (one JSON array per load, strip_outer_array),
//   read through jsonpaths (one nested) with a `columns` header that derives a column
//   (pay_dt=from_unixtime(pay_time, '%Y%m%d'));
// - engine-json: the suite's ~488-byte JSON rows (bench/lib/data.ts) in the body the engine sends for a
//   plain JSON job: `[` + messages joined by `,` + `]`, strip_outer_array, keys matched to columns by name.
// Run: node --import tsx bench/sandbox.ts [csv|json|engine-json|both|all] [rows] [rowsPerLoad] [--runs N]
// (both is csv and json, all adds engine-json; rows and rowsPerLoad default to 1,000,000 and 100,000 for
// CSV, 400,000 and 50,000 for JSON; with --runs the median run is reported, and each run's numbers are printed.)
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../sandbox/src/server';
import { jsonRow, tableDdl } from './lib/data';
import { streamLoad } from './lib/sandboxLoad';

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
CREATE TABLE bench.orders (
  commodity_id bigint NOT NULL,
  customer_name varchar(64) NULL,
  country varchar(32) NULL,
  pay_time bigint NULL,
  pay_dt date NULL,
  price double NULL,
  qty int NULL,
  channel varchar(32) NULL,
  device varchar(64) NULL,
  note varchar(512) NULL
) DUPLICATE KEY(commodity_id) DISTRIBUTED BY HASH(commodity_id) BUCKETS 8;
${tableDdl('json', 'engine_events')}
`;

export type BenchFormat = 'csv' | 'json' | 'engine-json';
const FORMATS: readonly BenchFormat[] = ['csv', 'json', 'engine-json'];

const JSON_HEADERS = {
  format: 'json',
  strip_outer_array: 'true',
  jsonpaths: '["$.commodity_id","$.customer_name","$.country","$.pay_time","$.price","$.qty","$.detail.channel","$.device","$.note"]',
  columns: "commodity_id, customer_name, country, pay_time, price, qty, channel, device, note, pay_dt=from_unixtime(pay_time, '%Y%m%d')",
};

export interface SandboxBenchResult {
  format: BenchFormat;
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

/** What the engine's Stream Load sends for a JSON job without jsonpaths, columns or json_root. */
const ENGINE_JSON_HEADERS = { format: 'json', strip_outer_array: 'true' };

const TABLES: Record<BenchFormat, string> = { csv: 'events', json: 'orders', 'engine-json': 'engine_events' };
const HEADERS: Record<BenchFormat, Record<string, string>> = { csv: {}, json: JSON_HEADERS, 'engine-json': ENGINE_JSON_HEADERS };

function makeBody(format: BenchFormat, first: number, count: number): Buffer {
  if (format === 'csv') return makeCsvBody(first, count);
  return format === 'json' ? makeJsonBody(first, count) : makeEngineJsonBody(first, count);
}

/** The engine's body for a batch of Kafka messages: the messages' bytes as they are, in one array. */
function makeEngineJsonBody(first: number, count: number): Buffer {
  const messages: string[] = [];
  for (let i = first; i < first + count; i++) messages.push(jsonRow(i));
  return Buffer.from(`[${messages.join(',')}]`);
}

function makeCsvBody(first: number, count: number): Buffer {
  const cities = ['Amsterdam', 'Berlin', 'Copenhagen', 'Dublin', 'Edinburgh', 'Florence', 'Geneva', 'Helsinki'];
  const lines: string[] = [];
  for (let i = first; i < first + count; i++) {
    const sec = String(i % 60).padStart(2, '0');
    lines.push(`${1_000_000_000 + i}\t2024-05-0${1 + (i % 9)} 12:34:${sec}\tcustomer_${String(i).padStart(12, "0")}_account\t${cities[i % 8]}-central-district-${i % 1000}\t${i % 500}\t${(i % 100_000) / 100}`);
  }
  return Buffer.from(lines.join('\n') + '\n');
}

const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
const COUNTRIES = ['Netherlands', 'Germany', 'Denmark', 'Ireland', 'United Kingdom', 'Italy', 'Switzerland', 'Finland'];

/** About 500 bytes a row, as Kafka messages would carry them; one array, as the engine sends them. */
function makeJsonBody(first: number, count: number): Buffer {
  const docs: string[] = [];
  for (let i = first; i < first + count; i++) {
    let note = WORDS[i % WORDS.length]!;
    for (let k = 1; note.length < 260; k++) note += ' ' + WORDS[(i + k * 7) % WORDS.length]!;
    docs.push(JSON.stringify({
      commodity_id: 1_000_000_000 + i, customer_name: `customer_${String(i).padStart(12, '0')}_account`, country: COUNTRIES[i % 8],
      pay_time: 1_714_000_000 + i * 7, price: (i % 100_000) / 100, qty: i % 500,
      detail: { channel: i % 3 === 0 ? 'app' : 'web', coupon: i % 5 === 0 },
      device: `device-${(i * 2654435761) % 100_000}-${i % 7 === 0 ? 'ios' : 'android'}`, note,
    }));
  }
  return Buffer.from(`[${docs.join(',')}]`);
}

export async function benchSandbox(totalRows = 1_000_000, rowsPerLoad = 100_000, format: BenchFormat = 'csv'): Promise<SandboxBenchResult> {
  const sandbox = await startSandbox({ ddl: DDL });
  const auth = `Basic ${Buffer.from('root:').toString('base64')}`;
  const table = TABLES[format];
  const headers = HEADERS[format];
  const warmupRows = format === 'csv' ? 20_000 : 10_000;
  try {
    const bodies: Buffer[] = [];
    for (let first = 0; first < totalRows; first += rowsPerLoad) bodies.push(makeBody(format, first, Math.min(rowsPerLoad, totalRows - first)));
    // One warm-up load so the JIT has seen the hot loops.
    await streamLoad(sandbox.feUrl, auth, 'warmup', table, headers, makeBody(format, 0, warmupRows));
    const start = performance.now();
    const cpu = process.cpuUsage();
    let bytes = 0;
    for (let i = 0; i < bodies.length; i++) {
      const result = await streamLoad(sandbox.feUrl, auth, `bench_${i}`, table, headers, bodies[i]!);
      if (result.Status !== 'Success' || result.NumberLoadedRows !== result.NumberTotalRows) throw new Error(`load failed: ${JSON.stringify(result)}`);
      bytes += bodies[i]!.length;
    }
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpu);
    const cpuSeconds = (used.user + used.system) / 1e6;
    const count = sandbox.query(`SELECT COUNT(*) FROM bench.${table}`).rows[0]!['count(*)'] as number;
    if (count !== totalRows + warmupRows) throw new Error(`expected ${totalRows + warmupRows} rows, the table has ${count}`);
    if (format === 'json') checkJsonRows(sandbox.query('SELECT * FROM bench.orders ORDER BY commodity_id LIMIT 2').rows);
    if (format === 'engine-json') checkEngineJsonRows(sandbox.query('SELECT * FROM bench.engine_events ORDER BY id LIMIT 2').rows);
    return { format, rows: totalRows, bytes, loads: bodies.length, seconds, rowsPerSecond: Math.round(totalRows / seconds), cpuSeconds, rowsPerCpuSecond: Math.round(totalRows / cpuSeconds), megabytesPerSecond: Math.round(bytes / seconds / 1e5) / 10 };
  } finally {
    await sandbox.stop();
  }
}

/** The JSON rows arrive whole: every path found, the derived column computed (in Asia/Shanghai). */
function checkJsonRows(rows: Record<string, unknown>[]): void {
  const want = {
    commodity_id: 1_000_000_000, customer_name: 'customer_000000000000_account', country: 'Netherlands', pay_time: 1_714_000_000,
    pay_dt: '2024-04-25', price: 0, qty: 0, channel: 'app', device: 'device-0-ios',
  };
  const got = rows[0] ?? {};
  for (const [k, v] of Object.entries(want)) if (got[k] !== v) throw new Error(`row 0: ${k} is ${JSON.stringify(got[k])}, expected ${JSON.stringify(v)}`);
  if (typeof got['note'] !== 'string' || !got['note'].startsWith('alpha ')) throw new Error(`row 0: note is ${JSON.stringify(got['note'])}`);
}

/** The engine's rows read back as the messages had them. */
function checkEngineJsonRows(rows: Record<string, unknown>[]): void {
  const want = JSON.parse(jsonRow(0)) as Record<string, unknown>;
  const got = rows[0] ?? {};
  for (const [k, v] of Object.entries(want)) if (got[k] !== v) throw new Error(`row 0: ${k} is ${JSON.stringify(got[k])}, expected ${JSON.stringify(v)}`);
}

function describe(r: SandboxBenchResult): string {
  return `sandbox: ${r.rows} ${r.format.toUpperCase()} rows (${(r.bytes / r.rows).toFixed(0)} B/row) in ${r.loads} Stream Loads: ${r.seconds.toFixed(2)} s, ${r.rowsPerSecond.toLocaleString('en-US')} rows/s, ${r.megabytesPerSecond} MB/s; ${r.cpuSeconds.toFixed(2)} CPU s, ${r.rowsPerCpuSecond.toLocaleString('en-US')} rows per CPU second`;
}

async function main(args: string[]): Promise<void> {
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
  const rest = runsAt >= 0 ? [...args.slice(0, runsAt), ...args.slice(runsAt + 2)] : args;
  const groups = new Map<string, readonly BenchFormat[]>([['both', ['csv', 'json']], ['all', FORMATS]]);
  const which = rest[0] !== undefined && (groups.has(rest[0]) || (FORMATS as readonly string[]).includes(rest[0])) ? rest.shift()! : 'csv';
  const formats = groups.get(which) ?? [which as BenchFormat];
  for (const format of formats) {
    const rows = Number(rest[0] ?? (format === 'csv' ? 1_000_000 : 400_000));
    const perLoad = Number(rest[1] ?? (format === 'csv' ? 100_000 : 50_000));
    const results: SandboxBenchResult[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await benchSandbox(rows, perLoad, format);
      if (runs > 1) console.log(`  run ${i + 1}: ${r.rowsPerSecond.toLocaleString('en-US')} rows/s, ${r.rowsPerCpuSecond.toLocaleString('en-US')} rows per CPU second`);
      results.push(r);
    }
    const median = (key: 'rowsPerSecond' | 'rowsPerCpuSecond'): number => results.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
    const mid = results.find((r) => r.rowsPerSecond === median('rowsPerSecond'))!;
    console.log(runs > 1 ? `${describe(mid)} (median of ${runs} runs; median rows per CPU second ${median('rowsPerCpuSecond').toLocaleString('en-US')})` : describe(mid));
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => { console.error(`bench: ${error instanceof Error ? error.message : String(error)}`); process.exitCode = 1; });
}
