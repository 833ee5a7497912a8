// The soak (`npm run soak`): twenty jobs on twenty topics under a steady produce rate, against the real Kafka broker
// and the sandbox (on a data directory).
//   1. load: the engine (a child process) keeps up for SOAK_LOAD_SECONDS with bounded memory (RSS sampled each second);
//   2. faults: the engine is SIGKILLed at seeded random moments (at least SOAK_KILLS, default 20) and restarted,
//      and the sandbox fails some loads (HTTP 500, resets), while production goes on;
//   3. drain: every produced key is in the table exactly once and every job's stored offsets are at its topic's end.
// Prints one summary line per phase and exits non-zero on any violation. Environment: SOAK_LOAD_SECONDS (120),
// SOAK_KILLS (20), SOAK_RATE (messages per second per topic, 20), SOAK_JOBS (20), RELIABILITY_SEED.
import { readFileSync } from 'node:fs';
import { Random, runSeed } from './lib/random';
import { eventsTable, relDdl } from './lib/tables';
import { until } from './lib/wait';
import { checkExactlyOnce, countFault, faultSummary, startChildEngine, startWorld, storedProgress, type ChildEngine, type World } from './lib/world';

const LOAD_SECONDS = Number(process.env.SOAK_LOAD_SECONDS) || 120;
const KILLS = Number(process.env.SOAK_KILLS) || 20;
const RATE = Number(process.env.SOAK_RATE) || 20;
const JOBS = Number(process.env.SOAK_JOBS) || 20;
const PARTITIONS = 2;
const SEED = runSeed(20_20);
const SPAN = 10_000_000;
const RSS_LIMIT_MB = Number(process.env.SOAK_RSS_LIMIT_MB) || 600;
const DDL = relDdl(eventsTable(8));

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

async function count(world: World): Promise<number> {
  const res = await fetch(`${world.sandbox.feUrl}/api/_sandbox/query`, { method: 'POST', body: JSON.stringify({ sql: 'SELECT COUNT(*) AS n FROM rel.events' }), headers: { 'content-type': 'application/json' } });
  const json = (await res.json()) as { status: string; message?: string; rows?: { n: number }[] };
  if (json.status !== 'OK' || !json.rows) throw new Error(`the sandbox refused the count query: ${json.message ?? res.status}`);
  return Number(json.rows[0]?.n ?? 0);
}

async function main(): Promise<void> {
  const r = new Random(SEED);
  log(`soak: seed ${SEED}, ${JOBS} jobs on ${JOBS} topics x ${PARTITIONS} partitions, ${RATE} msg/s per topic, load ${LOAD_SECONDS} s, ${KILLS} engine kills`);
  const world = await startWorld({ ddl: DDL, persistent: true });
  let child: ChildEngine | undefined;
  let failed = false;
  try {
    const topics: string[] = [];
    for (let i = 0; i < JOBS; i++) topics.push(await world.topic(PARTITIONS));
    const produced = new Array<number>(JOBS).fill(0);
    const sql = topics.map((t, i) => `CREATE ROUTINE LOAD rel.soak_${i} ON events
COLUMNS TERMINATED BY ",", COLUMNS (k, v)
PROPERTIES ("desired_concurrent_number" = "${PARTITIONS}", "max_batch_interval" = "5")
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${t}", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`).join('\n');
    const dir = world.stateDir('soak');
    child = startChildEngine(world, dir, sql);
    await child.waitFor((l) => l.event === 'ready', 60_000, 'the engine');

    // A steady producer: every 250 ms, RATE/4 messages to each topic.
    let producing = true;
    const producer = (async () => {
      while (producing) {
        const tick = Date.now();
        await Promise.all(topics.map(async (t, i) => {
          const n = Math.max(1, Math.round(RATE / 4));
          const from = produced[i];
          await world.produce(t, Array.from({ length: n }, (_, j) => `${i * SPAN + from + j},s${from + j}`), PARTITIONS, from);
          produced[i] += n;
        }));
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 250 - (Date.now() - tick))));
      }
    })();
    const total = () => produced.reduce((a, b) => a + b, 0);

    // ---------------------------------------------------------------- 1. load: keeps up, bounded memory
    const rss: number[] = [];
    const lags: number[] = [];
    const loadEnd = Date.now() + LOAD_SECONDS * 1000;
    while (Date.now() < loadEnd) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      rss.push(rssMb(child.process.pid));
      if (rss.length % 5 === 0) lags.push(total() - (await count(world)));
    }
    const q = Math.max(1, Math.floor(rss.length / 4));
    const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length));
    const firstQ = avg(rss.slice(q, 2 * q));
    const lastQ = avg(rss.slice(-q));
    const maxRss = Math.max(...rss);
    const lagLimit = RATE * JOBS * 20; // twenty seconds of production
    const lastLags = lags.slice(-Math.max(1, Math.floor(lags.length / 3)));
    log(`load: ${total()} produced in ${LOAD_SECONDS} s (${RATE * JOBS} msg/s); RSS max ${maxRss} MB, 2nd quarter avg ${firstQ} MB, last quarter avg ${lastQ} MB; lag samples (rows) ${lags.join(' ')}`);
    if (maxRss > RSS_LIMIT_MB) { failed = true; log(`FAIL: engine RSS ${maxRss} MB over ${RSS_LIMIT_MB} MB`); }
    if (lastQ > firstQ * 1.5 + 50) { failed = true; log(`FAIL: engine memory grows: ${firstQ} MB → ${lastQ} MB`); }
    if (Math.max(...lastLags) > lagLimit) { failed = true; log(`FAIL: the engine does not keep up: lag ${Math.max(...lastLags)} rows > ${lagLimit}`); }

    // ---------------------------------------------------------------- 2. faults: SIGKILLs and sandbox failures
    const faultStart = Date.now();
    for (let k = 0; k < KILLS; k++) {
      await child.waitFor((l) => l.event === 'log' && /recorded batch|task committed/.test(String(l.message)), 60_000, `load activity before kill ${k + 1}`);
      if (k % 4 === 1) await world.inject({ kind: r.next() < 0.5 ? 'http500' : 'reset', count: r.int(1, 3) });
      await new Promise((resolve) => setTimeout(resolve, r.int(0, 3000)));
      await child.kill();
      countFault('engine SIGKILL');
      child = startChildEngine(world, dir);
      await child.waitFor((l) => l.event === 'ready', 60_000, `the engine after kill ${k + 1}`);
    }
    log(`faults: ${KILLS} SIGKILLs in ${Math.round((Date.now() - faultStart) / 1000)} s; ${faultSummary('soak')}`);

    // ---------------------------------------------------------------- 3. drain and check
    producing = false;
    await producer;
    const drainStart = Date.now();
    let loaded = 0;
    await until(async () => (loaded = await count(world)) >= total(), 300_000, `${total()} rows`, () => `${loaded} loaded`, 1000);
    log(`drain: ${total()} rows loaded ${Math.round((Date.now() - drainStart) / 1000)} s after production stopped`);
    // Let every job commit its last batch and store its offsets, then stop the engine cleanly.
    const ends = await Promise.all(topics.map((t) => world.endOffsets(t)));
    await until(() => {
      try {
        return ends.every((end, i) => {
          const stored = storedProgress(dir, `soak_${i}`);
          return [...end].every(([p, high]) => stored.get(p) === high);
        });
      } catch {
        return false;
      }
    }, 60_000, 'every job to store its final offsets');
    const code = await child.stop();
    if (code !== 0) { failed = true; log(`FAIL: the engine exited with ${code} on SIGTERM`); }
    let rows = 0;
    let unique = 0;
    for (let i = 0; i < JOBS; i++) {
      try {
        const res = await checkExactlyOnce(world, { table: 'rel.events', base: i * SPAN, produced: produced[i], topic: topics[i], stateDir: dir, job: `soak_${i}` });
        rows += res.rows;
        unique += res.unique;
      } catch (err) {
        failed = true;
        log(`FAIL: ${(err as Error).message}`);
      }
    }
    log(`exactly once: ${total()} produced, ${rows} rows loaded, ${unique} unique keys over ${JOBS} jobs`);
  } catch (err) {
    failed = true;
    log(`FAIL: ${(err as Error).stack ?? String(err)}`);
    if (child) log(`last engine lines:\n${child.lines.slice(-10).join('\n')}`);
  } finally {
    await child?.stop().catch(() => undefined);
    await world.close();
  }
  log(failed ? 'soak FAILED' : 'soak passed');
  process.exitCode = failed ? 1 : 0;
}

void main();
