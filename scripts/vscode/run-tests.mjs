#!/usr/bin/env node
// Runs an extension test module inside a real VS Code: code-server (from scripts/vscode/install.sh)
// with its workbench opened in headless Chromium through playwright-core. VS Code's own browser
// integration-test hook (the `payload` URL parameter, honoured with the smoke-test driver on)
// loads the extension under development and runs the module's `run()` in the Node extension host;
// its outcome comes back through `window.codeAutomationExit(code)`.
//
//   node scripts/vscode/run-tests.mjs --tests test/e2e/suite/smoke.ts [--folder DIR] [--timeout MS] [--artifacts DIR] [--untrusted]
//
// Everything started here runs in its own process group and is killed on every way out.
// The extension host may drive what it cannot reach itself through its log:
//   `[[screenshot:NAME]]` saves test-artifacts/NAME.png (and NAME-statusbar.png), then writes the
//                          status bar's text to `<run dir>/NAME.done`;
//   `[[click:LABEL]]`     clicks the button LABEL (a modal dialog's, say), then creates `<run dir>/click-LABEL.done`.
// The run dir reaches the extension host as ROUTINE_LOAD_E2E_RUN_DIR.
/* global fetch, AbortSignal */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const INSTALL_HINT = 'bash scripts/ci/install-vscode.sh';

export function toolsDir() {
  const cache = process.env.ROUTINE_LOAD_CACHE || join(homedir(), '.cache', 'routine-load');
  return process.env.ROUTINE_LOAD_VSCODE_TOOLS || join(cache, 'vscode-tools');
}

/** The installed tools, or what is missing and how to install it. */
export function findTools() {
  const dir = toolsDir();
  const marker = join(dir, 'installed.json');
  if (!existsSync(marker)) return { ok: false, reason: `code-server is not installed in ${dir}; run \`${INSTALL_HINT}\`` };
  let info;
  try {
    info = JSON.parse(readFileSync(marker, 'utf8'));
  } catch {
    return { ok: false, reason: `${marker} is unreadable; run \`${INSTALL_HINT}\` again` };
  }
  const chromium = process.env.CHROMIUM_PATH || info.chromium || '/usr/bin/chromium';
  for (const [what, path] of [['Node 24', info.nodeBin], ['code-server', info.codeServerEntry], ['Chromium', chromium]]) {
    if (!path || !existsSync(path)) return { ok: false, reason: `${what} is missing (${path ?? 'not recorded'}); run \`${INSTALL_HINT}\`` };
  }
  return { ok: true, nodeBin: info.nodeBin, entry: info.codeServerEntry, chromium, codeServerVersion: info.codeServer };
}

/** Bundle a TypeScript test module for the extension host (vscode stays external). */
export async function bundleSuite(entry, outfile) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    sourcemap: 'inline', external: ['vscode'], logLevel: 'warning',
  });
  return outfile;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const started = new Set();
function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}
// Last line of defence: whatever way this process ends, its code-servers end with it.
process.once('exit', () => {
  for (const pid of started) killGroup(pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    for (const pid of started) killGroup(pid, 'SIGKILL');
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

/**
 * Start code-server with throwaway state in its own process group.
 * `env` reaches the extension host (it is forked from the server).
 */
export async function startCodeServer({ tools, runDir, env = {}, startTimeoutMs = 30_000, settings = {}, trusted = true }) {
  const port = await freePort();
  mkdirSync(join(runDir, 'ud', 'User'), { recursive: true });
  mkdirSync(join(runDir, 'exts'), { recursive: true });
  mkdirSync(join(runDir, 'xdg'), { recursive: true });
  writeFileSync(join(runDir, 'ud', 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'window.commandCenter': false,
    'workbench.enableExperiments': false,
    // Quiet the workbench's own online features: nothing here can reach them, and their errors drown the test log.
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'git.enabled': false,
    'github.gitAuthentication': false,
    'extensions.ignoreRecommendations': true,
    // An untrusted run keeps workspace trust on, without the start-up question (dialogs are refused in tests).
    ...(trusted ? {} : { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false }),
    ...settings,
  }, null, 2));
  writeFileSync(join(runDir, 'config.yaml'), `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const logFile = join(runDir, 'code-server.log');
  const out = createWriteStream(logFile);
  await new Promise((r) => out.once('open', r));
  const child = spawn(tools.nodeBin, [
    tools.entry,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--config', join(runDir, 'config.yaml'),
    '--user-data-dir', join(runDir, 'ud'), '--extensions-dir', join(runDir, 'exts'),
    '--disable-telemetry', '--disable-update-check', ...(trusted ? ['--disable-workspace-trust'] : []), '--disable-getting-started-override',
    '--vscode-option', 'enable-smoke-test-driver',
  ], {
    detached: true, // its own process group: the extension host outlives a closed browser for hours otherwise
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env, XDG_CONFIG_HOME: join(runDir, 'xdg'), XDG_DATA_HOME: join(runDir, 'xdg') },
  });
  started.add(child.pid);
  let exited = false;
  child.once('exit', () => { exited = true; });
  const stop = async () => {
    if (!started.has(child.pid)) return;
    killGroup(child.pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    killGroup(child.pid, 'SIGKILL'); // the group may hold extension hosts even after the server exited
    started.delete(child.pid);
    out.end();
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited during start-up; last lines of ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer /healthz within ${startTimeoutMs / 1000} s; last lines of ${logFile}:\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { port, url, logFile, stop, pid: child.pid };
}

function filesUnder(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
  } catch {
    return [];
  }
}

export function tail(path, lines = 30) {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--disable-extensions'];

async function loadPlaywright() {
  try {
    return await import('playwright-core');
  } catch {
    throw new Error('playwright-core is not installed: run `npm ci`.');
  }
}

/** The workbench URL that loads the extension under development and (optionally) runs a test module. */
export function workbenchUrl(server, { folder, extensionPath, testsPath }) {
  const authority = `127.0.0.1:${server.port}`;
  const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath}`]];
  if (testsPath) payload.push(['extensionTestsPath', `vscode-remote://${authority}${testsPath}`]);
  return `${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

// The workbench forwards its own console too; these lines are about features that cannot work offline.
const NOISE = /ChatModelSelection|AgentHost|AccountPolicyGate|open-vsx\.org|authentication provider 'github'|Creating a socket|connection token|reconnection-grace-time|Service Worker|builtin extensions cache|^\s+at /;

function stringifyArgs(args) {
  const list = Array.isArray(args) ? args : [args];
  return list.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}

/**
 * Run a test module in a real VS Code. Resolves to { code, durationMs }: 0 when the module's run()
 * resolved, 1 when it failed, 124 on timeout. Never leaves a process behind.
 */
export async function runSuite(options) {
  const {
    testsPath, folder, extensionPath = repoRoot, timeoutMs = 180_000, env = {}, settings = {},
    artifactsDir = join(repoRoot, 'test-artifacts'), onLog = (line) => process.stdout.write(`${line}\n`),
    keepRunDir = false, verbose = process.env.ROUTINE_LOAD_E2E_VERBOSE === '1',
  } = options;
  const tools = options.tools ?? findTools();
  if (!tools.ok) throw new Error(tools.reason);
  const runDir = mkdtempSync(join(tmpdir(), 'rl-vscode-'));
  const workspace = folder ?? mkdtempSync(join(runDir, 'ws-'));
  const t0 = Date.now();
  let server;
  let context;
  let code = 1;
  mkdirSync(artifactsDir, { recursive: true });
  try {
    server = await startCodeServer({ tools, runDir, env: { ...env, ROUTINE_LOAD_E2E_RUN_DIR: runDir }, settings, trusted: options.trusted !== false });
    onLog(`[runner] code-server ${tools.codeServerVersion} at ${server.url} (pid group ${server.pid}), state in ${runDir}`);
    const { chromium } = await loadPlaywright();
    context = await chromium.launchPersistentContext(join(runDir, 'chromium'), {
      executablePath: tools.chromium, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 860 },
      timeout: 30_000,
    });
    const page = context.pages()[0] ?? (await context.newPage());
    let settle;
    const exitCode = new Promise((r) => { settle = r; });
    const shots = [];
    await page.exposeFunction('codeAutomationExit', (c) => { settle(Number(c) || 0); });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = stringifyArgs(args);
      if (!verbose && NOISE.test(text)) return;
      onLog(`[host${type && type !== 'log' ? `:${type}` : ''}] ${text}`);
      for (const m of text.matchAll(/\[\[screenshot:([A-Za-z0-9_-]+)\]\]/g)) {
        shots.push(takeScreenshot(page, m[1], artifactsDir, runDir, onLog));
      }
      for (const m of text.matchAll(/\[\[click:([A-Za-z0-9 _-]+)\]\]/g)) {
        shots.push(clickButton(page, m[1], runDir, onLog));
      }
    });
    page.on('pageerror', (err) => onLog(`[page error] ${err.message}`));
    await page.goto(workbenchUrl(server, { folder: workspace, extensionPath, testsPath }), { timeout: 30_000 });
    let timer;
    const timeout = new Promise((r) => { timer = setTimeout(() => r(124), timeoutMs); });
    code = await Promise.race([exitCode, timeout]);
    clearTimeout(timer);
    await Promise.allSettled(shots);
    if (code === 124) onLog(`[runner] the test module did not finish within ${timeoutMs / 1000} s`);
    if (code !== 0) {
      const shot = join(artifactsDir, 'vscode-failure.png');
      await page.screenshot({ path: shot, timeout: 10_000 }).catch(() => undefined);
      onLog(`[runner] failure screenshot: ${shot}`);
      onLog(`[runner] last lines of the code-server log:\n${tail(server.logFile)}`);
      // The extension's own output channels say what it did (the log channel, the language server's).
      for (const file of filesUnder(join(runDir, 'ud', 'logs')).filter((f) => /routine-load|Routine Load/.test(f))) {
        onLog(`[runner] ${file.slice(runDir.length + 1)}:\n${tail(file, 60)}`);
      }
    }
    if (options.afterRun) await options.afterRun(page, server);
  } finally {
    await context?.close().catch(() => undefined);
    await server?.stop();
    if (!keepRunDir) rmSync(runDir, { recursive: true, force: true });
  }
  return { code, durationMs: Date.now() - t0 };
}

async function takeScreenshot(page, name, artifactsDir, runDir, onLog) {
  try {
    // A side bar wide enough for tree items' descriptions: drag its edge, as a user would.
    const sidebar = await page.locator('#workbench\\.parts\\.sidebar').boundingBox().catch(() => null);
    if (sidebar && sidebar.width < 480) {
      const x = sidebar.x + sidebar.width + 1;
      const y = sidebar.y + sidebar.height / 2;
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(sidebar.x + 520, y, { steps: 5 });
      await page.mouse.up();
    }
    // Let the workbench paint what the test just changed (tree refresh, status bar).
    await page.waitForTimeout(300);
    const path = join(artifactsDir, `${name}.png`);
    await page.screenshot({ path, timeout: 10_000 });
    const bar = page.locator('#workbench\\.parts\\.statusbar');
    let barText = '';
    if (await bar.count()) {
      await bar.screenshot({ path: join(artifactsDir, `${name}-statusbar.png`), timeout: 10_000 });
      barText = (await bar.innerText({ timeout: 5000 })).replace(/\s+/g, ' ');
    }
    onLog(`[runner] screenshot saved: ${path}`);
    writeFileSync(join(runDir, `${name}.done`), barText);
  } catch (err) {
    onLog(`[runner] screenshot ${name} failed: ${err.message}`);
    writeFileSync(join(runDir, `${name}.done`), '');
  }
}

async function clickButton(page, label, runDir, onLog) {
  const done = join(runDir, `click-${label.replace(/\W+/g, '_')}.done`);
  try {
    const button = page.locator('.monaco-dialog-box .monaco-button, .notifications-toasts .monaco-button', { hasText: label }).first();
    await button.waitFor({ state: 'visible', timeout: 15_000 });
    await button.click({ timeout: 5000 });
    onLog(`[runner] clicked "${label}"`);
    writeFileSync(done, 'clicked');
  } catch (err) {
    onLog(`[runner] could not click "${label}": ${err.message}`);
    writeFileSync(done, `failed: ${err.message}`);
  }
}

// ------------------------------------------------------------------------------------------ command line

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--untrusted') {
      opts.trusted = false;
      continue;
    }
    const value = argv[i + 1];
    if (!['--tests', '--folder', '--timeout', '--artifacts'].includes(flag)) throw new Error(`unknown option ${flag}`);
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === '--tests') opts.testsPath = resolve(value);
    if (flag === '--folder') opts.folder = resolve(value);
    if (flag === '--timeout') opts.timeoutMs = Number(value);
    if (flag === '--artifacts') opts.artifactsDir = resolve(value);
  }
  if (!opts.testsPath) throw new Error('--tests <bundled test module> is required');
  return opts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    let testsPath = opts.testsPath;
    if (testsPath.endsWith('.ts')) testsPath = await bundleSuite(testsPath, join(repoRoot, 'out', 'vscode-suite.js'));
    const { code, durationMs } = await runSuite({ ...opts, testsPath });
    console.log(`[runner] exit code ${code} after ${(durationMs / 1000).toFixed(1)} s`);
    process.exit(code);
  } catch (err) {
    console.error(`run-tests: ${err.message}`);
    process.exit(2);
  }
}
