// Exactly once across kills: the engine runs in a child process that is SIGKILLed at random moments
// while it loads; restarted on the same state directory, it must end with every key exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startWorld, type World } from './harness';

let world: World;

before(async () => {
  world = await startWorld();
});

after(async () => {
  for (const c of spawned) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await world?.close();
});

interface Child {
  process: ChildProcess;
  lines: string[];
  waitFor(check: (line: Record<string, unknown>) => boolean, ms?: number): Promise<void>;
}

/** Every engine child, killed after the tests even when one failed before stopping its child. */
const spawned: ChildProcess[] = [];

function startChild(stateDir: string, sql?: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../helpers/engine-child.ts'), stateDir, world.sandbox.feUrl, ...(sql ? [sql] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ROUTINE_LOAD_TEST_BE_URL: world.sandbox.beUrl },
  });
  spawned.push(child);
  const lines: string[] = [];
  const waiters: { check: (l: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    let parsed: Record<string, unknown>;
    try { parsed = JSON.parse(line) as Record<string, unknown>; } catch { return; }
    for (const w of [...waiters]) if (w.check(parsed)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  child.stderr!.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
  return {
    process: child,
    lines,
    waitFor: (check, ms = 60_000) => new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child: timed out; last lines:\n${lines.slice(-15).join('\n')}`)), ms);
      waiters.push({ check, resolve: () => { clearTimeout(timer); resolve(); } });
      child.once('exit', (code, signal) => { if (signal !== 'SIGKILL') reject(new Error(`child exited (${code ?? signal}): ${lines.slice(-10).join('\n')}`)); });
    }),
  };
}

function kill(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return resolve();
    child.process.once('exit', () => resolve());
    child.process.kill('SIGKILL');
  });
}

test('SIGKILL the engine during loads, restart it: every row exactly once', { timeout: 600_000 }, async () => {
  const topic = await world.topic(4);
  const dir = world.stateDir();
  const total = 20_000;
  const kills = 6;
  const base = 5_000_000;
  let produced = 0;
  const produceSome = async (n: number) => {
    const messages = Array.from({ length: n }, (_, i) => ({ partition: (produced + i) % 4, value: `${base + produced + i},v${produced + i}` }));
    produced += n;
    for (let i = 0; i < messages.length; i += 1000) await world.produce(topic, messages.slice(i, i + 1000));
  };
  await produceSome(total / 2);
  const sql = `CREATE ROUTINE LOAD load_test.kill_job ON events COLUMNS TERMINATED BY ","
PROPERTIES ("desired_concurrent_number" = "2", "max_batch_interval" = "5")
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`;
  const started = Date.now();
  const children: Child[] = [];
  const spawnChild = (withSql?: string) => {
    const c = startChild(dir, withSql);
    children.push(c);
    return c;
  };
  let child = spawnChild(sql);
  for (let k = 0; k < kills; k++) {
    // Something new for this child to record (a fast engine may have loaded everything produced so far).
    if (k > 0) await produceSome(1000);
    // Kill at a random moment after a batch was recorded: mostly while it is being sent or committed.
    await child.waitFor((l) => l.event === 'log' && /recorded batch/.test(String(l.message)));
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * (k % 2 === 0 ? 50 : 400))));
    await kill(child);
    if (k === 2) await produceSome(total / 2);
    child = spawnChild();
  }
  // Wait (on the sandbox's own count) until every produced row arrived, then let the engine settle.
  const deadline = Date.now() + 240_000;
  while (world.count('load_test.events WHERE k >= 5000000') < produced && Date.now() < deadline) {
    await child.waitFor((l) => l.event === 'jobChanged', 30_000).catch(() => undefined);
  }
  const elapsed = Date.now() - started;
  child.process.kill('SIGTERM');
  await new Promise((r) => child.process.once('exit', r));
  const rows = world.sandbox.query('SELECT k FROM load_test.events WHERE k >= 5000000').rows.map((r) => Number(r.k));
  const unique = new Set(rows);
  const replays = children.flatMap((c) => c.lines).filter((l) => /recorded batch\(es\) again/.test(l)).length;
  process.stdout.write(`# exactly once: ${produced} produced, ${rows.length} rows, ${unique.size} unique keys, ${kills} SIGKILLs, ${replays} restarts replayed a recorded batch, ${elapsed} ms (${Math.round(rows.length / (elapsed / 1000))} rows/s incl. restarts)\n`);
  assert.equal(unique.size, produced, 'no row lost');
  assert.equal(rows.length, produced, 'no row duplicated');
});

test('SIGKILL the engine while it reads ahead (a backlog over max_batch_rows), restart it: every row exactly once', { timeout: 600_000 }, async () => {
  const topic = await world.topic(1);
  const dir = world.stateDir();
  const total = 650_000; // max_batch_rows 200,000: four batches, each read ahead while the previous one loads
  const base = 7_000_000;
  for (let i = 0; i < total; i += 5000) {
    await world.produce(topic, Array.from({ length: Math.min(5000, total - i) }, (_, j) => ({ partition: 0, value: `${base + i + j},r${i + j}` })));
  }
  const sql = `CREATE ROUTINE LOAD load_test.ahead_kill_job ON events COLUMNS TERMINATED BY ","
PROPERTIES ("max_batch_rows" = "200000", "max_batch_interval" = "5")
FROM KAFKA ("kafka_broker_list" = "${world.kafka.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING");`;
  const children: Child[] = [];
  let child = startChild(dir, sql);
  children.push(child);
  let kills = 0;
  for (let k = 0; k < 2; k++) {
    // Kill while a batch loads and the next range is being read ahead (in memory only). After a restart the
    // recorded batch is sent again first (no read-ahead then), so the backlog allows two such kills.
    const readingAhead = await child.waitFor((l) => l.event === 'log' && /reading ahead from/.test(String(l.message)), 60_000).then(() => true, () => false);
    if (!readingAhead) break;
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 100)));
    await kill(child);
    kills += 1;
    child = startChild(dir);
    children.push(child);
  }
  assert.ok(kills >= 1, 'the engine was killed while reading ahead');
  const deadline = Date.now() + 240_000;
  while (world.count(`load_test.events WHERE k >= ${base}`) < total && Date.now() < deadline) {
    await child.waitFor((l) => l.event === 'jobChanged', 30_000).catch(() => undefined);
  }
  child.process.kill('SIGTERM');
  await new Promise((r) => child.process.once('exit', r));
  const rows = world.sandbox.query(`SELECT k FROM load_test.events WHERE k >= ${base}`).rows.map((r) => Number(r.k));
  const adopted = children.flatMap((c) => c.lines).filter((l) => /reading ahead from/.test(l)).length;
  if (new Set(rows).size !== total) {
    for (const c of children) process.stdout.write(`# child:\n${c.lines.filter((l) => !l.includes('"jobChanged"')).slice(-25).map((l) => `#   ${l.slice(0, 300)}`).join('\n')}\n`);
  }
  process.stdout.write(`# exactly once with read-ahead: ${total} produced, ${rows.length} rows, ${new Set(rows).size} unique keys, ${kills} SIGKILLs during read-ahead, ${adopted} read-aheads started\n`);
  assert.equal(new Set(rows).size, total, 'no row lost');
  assert.equal(rows.length, total, 'no row duplicated');
});
