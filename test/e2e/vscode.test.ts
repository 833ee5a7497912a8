// The extension in a real VS Code (code-server + headless Chromium, see scripts/vscode/): the
// in-host suite (test/e2e/suite/extension.ts) against the real Kafka broker and the sandbox, and
// the packaged .vsix installed and activated. Skips, saying how to install the tools, when they
// are missing, unless CI=true, where missing tools fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { EngineClient } from '../../engine/src/client';
import { startSandbox, type Sandbox } from '../../sandbox/src/server';
import { createTopic, startKafka, uniqueTopic, type KafkaBroker } from '../helpers/kafka';
import { CSV_JOB, CSV_TOPIC, SEED_DATABASE, SEED_DDL } from '../../cli/src/seed';

// The tests compile as CommonJS and the scripts are ESM: load them with import().
const runner = () => import('../../scripts/vscode/run-tests.mjs');
const vsixCheck = () => import('../../scripts/vscode/check-vsix.mjs');

const ROOT = join(__dirname, '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const PASSWORD = 'e2e-Pa55word';

// Where scripts/vscode/install.sh puts the tools (the same rule as its toolsDir()); checked
// synchronously because a suite's skip must be known when it is declared.
const toolsMarker = join(process.env.ROUTINE_LOAD_VSCODE_TOOLS
  || join(process.env.ROUTINE_LOAD_CACHE || join(homedir(), '.cache', 'routine-load'), 'vscode-tools'), 'installed.json');
const skip = !existsSync(toolsMarker) && process.env.CI !== 'true'
  ? `a real VS Code is not installed (no ${toolsMarker}). Install it with: bash scripts/ci/install-vscode.sh`
  : false;

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}${r.stderr}`);
}

/** A detached daemon is not our child: check its pid until it is gone (bounded). */
async function exitsWithin(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
    try { process.kill(pid, 0); } catch { return true; }
  }
  return false;
}

describe('the extension in a real VS Code', { skip }, () => {
  let kafka: KafkaBroker;
  let sandbox: Sandbox;
  let dir: string;

  before(async () => {
    const tools = (await runner()).findTools();
    assert.ok(tools.ok, `${tools.ok ? '' : tools.reason}${process.env.CI === 'true' ? ' (CI=true: the e2e tests must run)' : ''}`);
    run(process.execPath, ['scripts/build.mjs']);
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'rl-e2e-'));
    kafka = await startKafka();
    sandbox = await startSandbox({ ddl: SEED_DDL, users: { root: PASSWORD } });
  });

  after(async () => {
    await sandbox?.stop();
    await kafka?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs the in-VS-Code suite: language features, the seed job through commands, tree and status bar', { timeout: 300_000 }, async () => {
    const topic = uniqueTopic(CSV_TOPIC);
    await createTopic(kafka.bootstrap, topic, 5);
    const badTopic = uniqueTopic('bad_rows');
    await createTopic(kafka.bootstrap, badTopic, 1);
    const { bundleSuite, runSuite } = await runner();
    const suite = await bundleSuite(join(ROOT, 'test', 'e2e', 'suite', 'extension.ts'), join(ROOT, 'out', 'e2e', 'suite.js'));
    const workspace = join(dir, 'ws');
    mkdirSync(workspace);
    // A short state dir: Unix socket paths are limited to about 100 bytes.
    const stateDir = join(dir, 'engine');
    const config = {
      bootstrap: kafka.bootstrap, topic, badTopic, feUrl: sandbox.feUrl, user: 'root', password: PASSWORD,
      db: SEED_DATABASE, job: CSV_JOB, workspace,
    };
    let result: { code: number; durationMs: number };
    try {
      result = await runSuite({
        testsPath: suite, folder: workspace, timeoutMs: 240_000, artifactsDir: ARTIFACTS,
        env: { ROUTINE_LOAD_E2E: JSON.stringify(config), ROUTINE_LOAD_STATE_DIR: stateDir },
      });
    } finally {
      // The engine daemon outlives windows on purpose: stop the one this test started.
      if (existsSync(join(stateDir, 'engine.sock'))) {
        const client = await EngineClient.connect(stateDir).catch(() => undefined);
        const pid = (await client?.ping().catch(() => undefined))?.pid;
        await client?.shutdown(30_000).catch(() => undefined);
        if (pid && !(await exitsWithin(pid, 20_000))) process.kill(pid, 'SIGKILL');
      }
    }
    console.log(`# in-VS-Code suite: exit code ${result.code} after ${(result.durationMs / 1000).toFixed(1)} s`);
    assert.equal(result.code, 0, 'the in-VS-Code suite failed: see its output above and test-artifacts/vscode-failure.png');
    // Exactly once, as StarRocks sees it: every produced row is in the table, none twice
    // (1,500 from the seed job, and the one good row of the job that paused on its bad row).
    const rows = sandbox.query('SELECT count(*) FROM load_test.routine_load_tbl_csv');
    assert.equal(Number(rows.rows[0]?.['count(*)']), 1500 + 1);
    assert.ok(existsSync(join(ARTIFACTS, 'jobs-tree-running.png')), 'screenshot of the Jobs view');
  });

  it('in an untrusted workspace files are checked and editable, but jobs cannot be run', { timeout: 120_000 }, async () => {
    const { bundleSuite, runSuite } = await runner();
    const suite = await bundleSuite(join(ROOT, 'test', 'e2e', 'suite', 'untrusted.ts'), join(ROOT, 'out', 'e2e', 'untrusted.js'));
    const workspace = mkdtempSync(join(dir, 'untrusted-'));
    const result = await runSuite({ testsPath: suite, folder: workspace, timeoutMs: 90_000, artifactsDir: ARTIFACTS, trusted: false });
    console.log(`# untrusted suite: exit code ${result.code} after ${(result.durationMs / 1000).toFixed(1)} s`);
    assert.equal(result.code, 0, 'the untrusted-workspace suite failed: see its output above');
  });

  it('packages a .vsix that installs into code-server and activates', { timeout: 180_000 }, async () => {
    const t0 = Date.now();
    // The command people use: a production build and vsce (writes routine-load.vsix at the top).
    run('npm', ['run', 'package']);
    const vsix = join(ROOT, 'routine-load.vsix');
    const size = statSync(vsix).size;
    console.log(`# .vsix: ${(size / 1024).toFixed(0)} KB, packaged in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const listing = spawnSync('unzip', ['-l', vsix], { encoding: 'utf8' }).stdout ?? '';
    if (listing) {
      assert.match(listing, /extension\/dist\/extension\.js/);
      assert.match(listing, /extension\/dist\/server\.js/);
      assert.doesNotMatch(listing, /extension\/(client|server|engine|sandbox|test)\/src\//, 'no sources in the .vsix');
      assert.doesNotMatch(listing, /node_modules/, 'no node_modules in the .vsix');
    }
    const result = await (await vsixCheck()).checkVsix({ vsix, artifactsDir: ARTIFACTS });
    console.log(`# ${result.message} (${(result.durationMs / 1000).toFixed(1)} s)`);
    assert.ok(result.ok, result.message);
  });
});
