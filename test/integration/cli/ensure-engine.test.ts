// ensureEngine, as the extension uses it: start the bundled daemon detached (or find the running one), hand it
// the password over the socket, and start it again when it dies.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureEngine, type EngineClient } from '../../../engine/src/client';
import { startSandbox, type Sandbox } from '../../../sandbox/src/server';
import { CLI, buildOnce } from './cliProcess';

const PASSWORD = 'ensure-Pa55';

/** A detached process is not our child: no exit event, so check its pid until it is gone (bounded). */
async function exitsWithin(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
    try { process.kill(pid, 0); } catch { return true; }
  }
  return false;
}

describe('ensureEngine', () => {
  let sandbox: Sandbox;
  let dir: string;
  const clients: EngineClient[] = [];

  before(async () => {
    buildOnce();
    sandbox = await startSandbox({ users: { root: PASSWORD } });
    dir = mkdtempSync(join(tmpdir(), 'rl-ensure-'));
  });

  after(async () => {
    for (const client of clients) client.close();
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts one detached daemon for two callers, configures it, and restarts it after a crash', { timeout: 60_000 }, async () => {
    const stateDir = join(dir, 'state');
    const options = { stateDir, cliPath: CLI, starrocks: { feUrl: sandbox.feUrl, user: 'root', password: PASSWORD } };
    const started = Date.now();
    // Two windows at once: exactly one daemon wins the lock; both end up talking to it.
    const [a, b] = await Promise.all([ensureEngine(options), ensureEngine(options)]);
    clients.push(a, b);
    const startMs = Date.now() - started;
    const [infoA, infoB] = await Promise.all([a.ping(), b.ping()]);
    assert.equal(infoA.pid, infoB.pid, 'one daemon');
    assert.notEqual(infoA.pid, process.pid, 'a separate process');
    assert.equal(infoA.configured, true);
    assert.deepEqual(await a.jobs(), []);
    assert.ok(startMs < 15_000, `daemon answered after ${startMs} ms`);

    // The password travelled over the socket only: not on the daemon's command line or in its environment.
    const cmdline = readFileSync(`/proc/${infoA.pid}/cmdline`, 'utf8');
    const environ = readFileSync(`/proc/${infoA.pid}/environ`, 'utf8');
    assert.ok(!cmdline.includes(PASSWORD) && !environ.includes(PASSWORD));
    assert.match(environ, /ELECTRON_RUN_AS_NODE=1/);

    // The daemon dies: the client starts another and configures it again.
    const reconnected = new Promise<void>((resolveState) => a.onConnectionState((state) => { if (state === 'connected') resolveState(); }));
    process.kill(infoA.pid, 'SIGKILL');
    await reconnected;
    const info = await a.ping();
    assert.notEqual(info.pid, infoA.pid);
    assert.equal(info.configured, true);

    // Shutdown: the daemon exits and its socket and lock go.
    b.close();
    await a.shutdown();
    assert.ok(await exitsWithin(info.pid, 20_000), 'the daemon exited');
    assert.equal(existsSync(join(stateDir, 'engine.lock')), false);
  });
});
