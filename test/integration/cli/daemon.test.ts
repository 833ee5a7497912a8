// The daemon's lock and socket, and the client's round trip, with a stand-in engine (the real one is
// exercised end to end by run-exec.test.ts): these tests are about the process layer only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineClient, EngineRequestError, NoEngineError } from '../../../engine/src/client';
import {
  EngineAlreadyRunningError, EngineDaemon, LOCK_FILE, type EngineHandle, type EngineOpenOptions, type LogEntry,
} from '../../../engine/src/daemon';
import { engineSocketPath, type EngineEvent, type ExecuteResult, type JobSnapshot } from '../../../engine/src/protocol';

class FakeEngine extends EventEmitter implements EngineHandle {
  closed = false;
  readonly executed: { sql: string; db?: string }[] = [];
  constructor(readonly options: EngineOpenOptions) { super(); }
  async execute(sql: string, options: { db?: string } = {}): Promise<ExecuteResult[]> {
    this.executed.push({ sql, db: options.db });
    if (sql.startsWith('FAIL')) throw Object.assign(new Error('There is not operable routine load job with name x'), { statementIndex: 0 });
    this.emit('jobChanged', { id: 1, name: 'job1', state: 'RUNNING' } as unknown as JobSnapshot);
    this.emit('log', { level: 'info', message: 'task committed', jobName: 'job1', time: new Date().toISOString() } satisfies LogEntry);
    return [{ kind: 'ok', message: 'done' }];
  }
  jobs(): JobSnapshot[] { return [{ id: 1, name: 'job1' } as unknown as JobSnapshot]; }
  async close(): Promise<void> { this.closed = true; }
}

const starrocks = { feUrl: 'http://127.0.0.1:8030', user: 'root', password: 's3cret-pw' };

describe('engine daemon', () => {
  let dir: string;
  const engines: FakeEngine[] = [];
  const openEngine = async (options: EngineOpenOptions) => {
    const engine = new FakeEngine(options);
    engines.push(engine);
    return engine;
  };

  before(() => { dir = mkdtempSync(join(tmpdir(), 'rl-daemon-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves one state directory: a second daemon refuses, naming the first', async () => {
    const stateDir = join(dir, 'one');
    const first = await EngineDaemon.start({ stateDir, openEngine });
    try {
      if (process.platform !== 'win32') assert.equal(statSync(engineSocketPath(stateDir)).mode & 0o777, 0o600);
      await assert.rejects(EngineDaemon.start({ stateDir, openEngine }), (error: unknown) => {
        assert.ok(error instanceof EngineAlreadyRunningError);
        assert.match(error.message, new RegExp(`already running for state directory .*one \\(pid ${process.pid}\\)`));
        return true;
      });
      // The refused start must leave the running daemon's socket and lock alone.
      const client = await EngineClient.connect(stateDir);
      assert.equal((await client.ping()).pid, process.pid);
      client.close();
    } finally {
      await first.close();
    }
    assert.equal(existsSync(join(stateDir, LOCK_FILE)), false, 'lock released');
    assert.equal(existsSync(engineSocketPath(stateDir)), false, 'socket removed');
  });

  it('recovers the lock and socket of a killed daemon', async () => {
    const stateDir = join(dir, 'stale');
    // A real process that takes the lock and dies without cleaning up.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { EngineDaemon } = require(${JSON.stringify(join(__dirname, '../../../engine/src/daemon.ts'))});
      EngineDaemon.start({ stateDir: ${JSON.stringify(stateDir)}, openEngine: async () => { throw new Error('unused'); } })
        .then(() => { console.log('ready'); });
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = await once(child.stdout!, 'data') as [Buffer];
    assert.match(line.toString(), /ready/);
    const lock = JSON.parse(readFileSync(join(stateDir, LOCK_FILE), 'utf8')) as { pid: number };
    assert.equal(lock.pid, child.pid);
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.ok(existsSync(engineSocketPath(stateDir)), 'the dead daemon left its socket');

    const daemon = await EngineDaemon.start({ stateDir, openEngine });
    try {
      const client = await EngineClient.connect(stateDir);
      assert.equal((await client.ping()).pid, process.pid);
      client.close();
    } finally {
      await daemon.close();
    }
  });

  it('treats a lock whose pid now belongs to another process as stale', async () => {
    const stateDir = join(dir, 'reused');
    await EngineDaemon.start({ stateDir, openEngine }).then((d) => d.close());
    // Our own pid (alive) but another process start time: a reused pid after a crash.
    writeFileSync(join(stateDir, LOCK_FILE), JSON.stringify({
      pid: process.pid, nonce: 'old', host: (await import('node:os')).hostname(), procStart: '1', startedAt: new Date(0).toISOString(),
    }));
    if (process.platform !== 'linux') return;
    const daemon = await EngineDaemon.start({ stateDir, openEngine });
    await daemon.close();
  });

  it('round trip: configure, execute, jobs, errors and events', async () => {
    const stateDir = join(dir, 'trip');
    const logs: LogEntry[] = [];
    const daemon = await EngineDaemon.start({ stateDir, openEngine, log: (entry) => logs.push(entry) });
    const client = await EngineClient.connect(stateDir);
    try {
      let info = await client.ping();
      assert.equal(info.configured, false);
      await assert.rejects(client.execute('SHOW ROUTINE LOAD'), /not configured yet/);

      info = await client.configure({ starrocks, secrets: { 'db/job1/property.sasl.password': 'k-secret' } });
      assert.equal(info.configured, true);
      assert.deepEqual(info.starrocks, { feUrl: starrocks.feUrl, user: 'root' });
      const engine = engines.at(-1)!;
      assert.equal(engine.options.starrocks.password, 's3cret-pw');
      assert.equal(engine.options.secrets?.['db/job1/property.sasl.password'], 'k-secret');

      // Same configuration again: the engine stays open.
      await client.configure({ starrocks, secrets: { 'db/job1/property.sasl.password': 'k-secret' } });
      assert.equal(engines.at(-1), engine);

      const events: EngineEvent[] = [];
      const gotLog = new Promise<void>((resolveLog) => client.onEvent((event) => {
        events.push(event);
        if (event.event === 'log' && event.message === 'task committed') resolveLog();
      }));
      assert.deepEqual(await client.execute('PAUSE ROUTINE LOAD FOR job1', { db: 'load_test' }), [{ kind: 'ok', message: 'done' }]);
      assert.deepEqual(engine.executed.at(-1), { sql: 'PAUSE ROUTINE LOAD FOR job1', db: 'load_test' });
      await gotLog;
      assert.ok(events.some((e) => e.event === 'jobChanged' && e.job.name === 'job1'));

      const failure = await client.execute('FAIL').catch((error: unknown) => error);
      assert.ok(failure instanceof EngineRequestError);
      assert.equal(failure.message, 'There is not operable routine load job with name x');
      assert.equal(failure.statementIndex, 0);

      assert.deepEqual((await client.jobs()).map((j) => j.name), ['job1']);

      // A new password reopens the engine.
      await client.configure({ starrocks: { ...starrocks, password: 'other' } });
      assert.equal(engine.closed, true);
      assert.notEqual(engines.at(-1), engine);

      assert.ok(!JSON.stringify(logs).includes('s3cret-pw'), 'no password in the log');
      assert.ok(!JSON.stringify(logs).includes('k-secret'), 'no secret in the log');
    } finally {
      client.close();
      await daemon.close();
    }
    assert.equal(engines.at(-1)!.closed, true, 'closing the daemon closes the engine');
  });

  it('shutdown over the socket stops the daemon', async () => {
    const stateDir = join(dir, 'shutdown');
    const daemon = await EngineDaemon.start({ stateDir, openEngine, configure: { starrocks } });
    const client = await EngineClient.connect(stateDir);
    const events: EngineEvent[] = [];
    client.onEvent((event) => events.push(event));
    await client.shutdown();
    await daemon.closed;
    assert.ok(events.some((e) => e.event === 'shuttingDown'));
    await assert.rejects(EngineClient.connect(stateDir), NoEngineError);
  });

  it('a client without a daemon says how to start one', async () => {
    const stateDir = join(dir, 'nobody');
    await assert.rejects(EngineClient.connect(stateDir), (error: unknown) => {
      assert.ok(error instanceof NoEngineError);
      assert.match(error.message, /No engine is running for state directory .*nobody; start one with `routine-load run .*--state-dir .*nobody`/);
      return true;
    });
  });

  it('a reconnecting client survives a daemon restart and configures it again', async () => {
    const stateDir = join(dir, 'reconnect');
    let daemon = await EngineDaemon.start({ stateDir, openEngine });
    const client = await EngineClient.connect(stateDir, { reconnect: true });
    try {
      await client.configure({ starrocks });
      const states: string[] = [];
      const reconnected = new Promise<void>((resolveState) => client.onConnectionState((state) => {
        states.push(state);
        if (state === 'connected') resolveState();
      }));
      await daemon.close();
      daemon = await EngineDaemon.start({ stateDir, openEngine });
      await reconnected;
      // 'connected' is announced after the configuration was sent again.
      assert.equal((await client.ping()).configured, true);
      assert.deepEqual(states.slice(0, 2), ['disconnected', 'connected']);
    } finally {
      client.close();
      await daemon.close();
    }
  });
});
