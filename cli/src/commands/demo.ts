// `routine-load demo` (`npm run demo`): the seed document's two example jobs, end to end, on this machine.
// A real Kafka broker and the StarRocks sandbox start in a temporary folder; the engine loads the seed's
// CSV rows and a stream of JSON orders; SHOW ROUTINE LOAD and the loaded rows are printed; everything
// started is stopped again, also on Ctrl-C or an error.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Command } from '../commands';
import { UsageError } from '../errors';
import { EngineDaemon } from '../../../engine/src/daemon';
import type { EngineEvent, JobSnapshot, ResultSet } from '../../../engine/src/protocol';
import { startSandbox, type Sandbox } from '../../../sandbox/src/server';
import { parseOptions } from './engine';
import { renderTable } from '../../../engine/src/show';
import { renderResults } from './exec';
import { CSV_JOB, CSV_TOPIC, JSON_JOB, JSON_TOPIC, SEED_DDL, SEED_ROWS, csvJobStatement, jsonJobStatement } from '../seed';

const PARTITIONS = 5;
const JSON_ORDERS = 100;

const NAMES = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra', 'Barbara Liskov', 'Donald Knuth', 'Frances Allen', 'Ken Thompson'];
const COUNTRIES = ['UK', 'US', 'Netherlands', 'France', 'Germany', 'japan', 'China', 'Brazil'];

/** Deterministic orders, so two runs print the same rows. */
export function jsonOrder(i: number): Record<string, string | number> {
  return {
    commodity_id: String(1000 + i),
    customer_name: NAMES[i % NAMES.length],
    country: COUNTRIES[(i * 3) % COUNTRIES.length],
    pay_time: 1589191487 + i * 3607,
    price: Math.round((9.5 + ((i * 37) % 200) + (i % 7) / 10) * 100) / 100,
  };
}

function toResultSet(result: { columns: string[]; rows: Record<string, unknown>[] }): ResultSet {
  return {
    columns: result.columns,
    rows: result.rows.map((row) => result.columns.map((c) => (row[c] === null || row[c] === undefined ? null : String(row[c])))),
  };
}

class Interrupted extends Error {}

const command: Command = {
  summary: 'start Kafka and the StarRocks sandbox, run the seed\'s two example jobs, show them, stop everything',
  usage: 'routine-load demo [--timeout SECONDS]',
  async run(args) {
    const { options, positional } = parseOptions(args, ['timeout']);
    if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}".`);
    const timeoutS = options.has('timeout') ? Number(options.get('timeout')) : 60;
    if (!(timeoutS > 0)) throw new UsageError(`--timeout takes a number of seconds, not "${options.get('timeout')}".`);

    const t0 = Date.now();
    // The broker script is an ES module (shared with scripts/kafka.mjs); the bundle inlines it.
    const { install, start: startBroker, stop: stopBroker, tieToThisProcess } = await import('../../../scripts/kafka/broker.mjs');
    const say = (line: string) => process.stderr.write(`${line}\n`);
    const out = (line = '') => process.stdout.write(`${line}\n`);
    const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

    const work = mkdtempSync(join(tmpdir(), 'routine-load-demo-'));
    const kafkaDir = join(work, 'kafka');
    const stateDir = join(work, 'state');
    // Every Java process the broker start spawned: tied to this process at once, so an interrupted start
    // leaves nothing behind either.
    const brokerTies: { release(): void }[] = [];
    const brokerPids: number[] = [];
    let sandbox: Sandbox | undefined;
    let daemon: EngineDaemon | undefined;

    // Ctrl-C: stop waiting, then clean up as on any error. A second Ctrl-C leaves at once; the broker's
    // watchdog still stops it.
    let interrupt: (() => void) | undefined;
    const interrupted = new Promise<never>((_resolve, reject) => { interrupt = () => reject(new Interrupted('interrupted')); });
    interrupted.catch(() => undefined);
    let signals = 0;
    const onSignal = () => {
      signals += 1;
      if (signals === 1) { say('Interrupted: stopping everything the demo started…'); interrupt?.(); } else process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const step = <T>(promise: Promise<T>): Promise<T> => Promise.race([promise, interrupted]);

    try {
      // 1. Kafka. install() checks the cache; only a first run downloads (and says so through `say`).
      say('[1/6] Starting a Kafka broker (a first run downloads the Kafka jars from Maven Central, once; that takes a few minutes)…');
      const installed = install({ log: (line) => say(`      ${line}`) });
      if (!installed.cached) say(`      Kafka ${installed.version} jars installed in ${installed.libs}.`);
      const broker = await step(startBroker({
        dir: kafkaDir,
        timeoutMs: 90_000,
        onSpawn: (pid) => { brokerPids.push(pid); brokerTies.push(tieToThisProcess(pid)); },
      }));
      say(`      Kafka ${broker.kafkaVersion} on ${broker.bootstrap} (${elapsed()})`);

      // 2. The sandbox, with the seed's table.
      sandbox = await step(startSandbox({ ddl: SEED_DDL }));
      say(`[2/6] StarRocks sandbox on ${sandbox.feUrl}: database load_test, tables routine_load_tbl_csv (seed Step 2) and example_tbl (${elapsed()})`);

      // 3. Topics and messages.
      const kafka = new Kafka({ clientId: 'routine-load-demo', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await step(admin.connect());
      try {
        await step(admin.createTopics({
          topics: [CSV_TOPIC, JSON_TOPIC].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
          waitForLeaders: true,
        }));
      } finally {
        await admin.disconnect();
      }
      // Idempotent: a retried send (a new topic's leaders settling) must not write a row twice.
      const producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1,
      });
      await step(producer.connect());
      try {
        // Keyed by order id, like orders usually are: rows of one order stay in one partition, in order.
        await step(producer.send({ topic: CSV_TOPIC, messages: SEED_ROWS.map((value) => ({ key: value.split(',')[0], value })) }));
        await step(producer.send({
          topic: JSON_TOPIC,
          messages: Array.from({ length: JSON_ORDERS }, (_, i) => ({ partition: i % PARTITIONS, value: JSON.stringify(jsonOrder(i)) })),
        }));
      } finally {
        await producer.disconnect();
      }
      say(`[3/6] Produced the seed's ${SEED_ROWS.length} CSV rows to order_sr_topic and ${JSON_ORDERS} JSON orders to ordertest2 (${PARTITIONS} partitions each) (${elapsed()})`);

      // 4. The engine, and the seed's two jobs.
      daemon = await step(EngineDaemon.start({
        stateDir,
        configure: { starrocks: { feUrl: sandbox.feUrl, user: 'root', password: '' } },
        log: (entry) => { if (entry.level === 'warn' || entry.level === 'error') say(`      engine: ${entry.jobName ? `[${entry.jobName}] ` : ''}${entry.message}`); },
      }));
      const engine = daemon.engine!;
      const targets = new Map([[CSV_JOB, SEED_ROWS.length], [JSON_JOB, JSON_ORDERS]]);
      const loaded = new Promise<void>((resolveLoaded) => {
        const check = (jobs: JobSnapshot[]) => {
          for (const job of jobs) {
            const target = targets.get(job.name);
            if (target !== undefined && job.statistic.loadedRows >= target) targets.delete(job.name);
          }
          if (targets.size === 0) resolveLoaded();
        };
        daemon!.on('event', (event: EngineEvent) => { if (event.event === 'jobChanged') check([event.job]); });
      });
      for (const sql of [csvJobStatement(broker.bootstrap), jsonJobStatement(broker.bootstrap)]) {
        await step(engine.execute(sql));
      }
      say(`[4/6] Created the seed's jobs ${CSV_JOB} (CSV, gender column skipped) and ${JSON_JOB} (JSON, jsonpaths, pay_dt=from_unixtime(…)) (${elapsed()})`);

      // 5. Wait for the rows, by the engine's events, within a bound.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutS * 1000);
      });
      try {
        // Jobs may have loaded before the listener saw anything: look once at the current state too.
        for (const job of await engine.jobs()) {
          const target = targets.get(job.name);
          if (target !== undefined && job.statistic.loadedRows >= target) targets.delete(job.name);
        }
        if (targets.size > 0) await step(Promise.race([loaded, timedOut]));
      } catch (error) {
        if (error instanceof Interrupted) throw error;
        const states = (await engine.jobs()).map((j) => `${j.name}: ${j.shownState}, loadedRows ${j.statistic.loadedRows}` +
          `${j.reasonOfStateChanged ? `, reason: ${j.reasonOfStateChanged}` : ''}`).join('; ');
        throw new Error(`The jobs did not load the demo's rows within ${timeoutS} s (${states}). ` +
          'The machine may be busy: try again with --timeout 120; if a job is PAUSED, its reason says what went wrong.');
      } finally {
        clearTimeout(timer);
      }
      say(`[5/6] All rows loaded (${elapsed()})`);

      // 6. What a StarRocks user would look at.
      out();
      for (const job of [CSV_JOB, JSON_JOB]) {
        out(`mysql> SHOW ROUTINE LOAD FOR load_test.${job}\\G`);
        out(renderResults(await engine.execute(`SHOW ROUTINE LOAD FOR load_test.${job}`), true));
        out();
      }
      out('mysql> SELECT * FROM load_test.routine_load_tbl_csv ORDER BY order_id LIMIT 5;');
      out(renderTable(toResultSet(sandbox.query('SELECT * FROM load_test.routine_load_tbl_csv ORDER BY order_id LIMIT 5'))));
      out('Note: the seed\'s table has PRIMARY KEY (order_id, pay_dt), so its first two rows (order 2020050802 of 2020-05-08:');
      out('Johann Georg Faust, then Julien Sorel) are one row in StarRocks, and the later one wins; the seed\'s "Expected result"');
      out('lists both. loadedRows counts all 5 rows, as StarRocks does.');
      out();
      out('mysql> SELECT * FROM load_test.example_tbl ORDER BY pay_time LIMIT 5;');
      out(renderTable(toResultSet(sandbox.query('SELECT * FROM load_test.example_tbl ORDER BY pay_time LIMIT 5'))));
      const count = sandbox.query('SELECT COUNT(*) FROM load_test.example_tbl');
      out(`(${String(Object.values(count.rows[0] ?? {})[0])} orders in example_tbl)`);
      out();
      say(`[6/6] Done in ${elapsed()}; stopping the engine, the sandbox and the broker…`);
      return 0;
    } catch (error) {
      if (error instanceof Interrupted) return 130;
      throw error;
    } finally {
      // Everything the demo started, in reverse order; each step even if an earlier one failed.
      const problems: string[] = [];
      const attempt = async (what: string, action: () => Promise<unknown>) => {
        try { await action(); } catch (error) { problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`); }
      };
      if (daemon) await attempt('engine', () => daemon!.close('demo finished'));
      if (sandbox) await attempt('sandbox', () => sandbox!.stop());
      if (brokerPids.length > 0) {
        await attempt('Kafka broker', () => stopBroker({ dir: kafkaDir, force: true }));
        // A start cut short by Ctrl-C has no broker.json yet for stop() to find: end its process group directly.
        for (const pid of brokerPids) {
          try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
        }
      }
      for (const tie of brokerTies) tie.release();
      rmSync(work, { recursive: true, force: true });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (problems.length > 0) say(`Could not stop everything cleanly: ${problems.join('; ')}`);
      else say(`Stopped everything the demo started (${elapsed()} in all).`);
    }
  },
};

export default command;
