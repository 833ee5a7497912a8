#!/usr/bin/env node
// Checks a packaged .vsix the way a user meets it: install it into a fresh code-server, open a
// .sql file, and require that the extension host activated it without an error; saves a
// screenshot of its Jobs view (the welcome with "Configure StarRocks").
//
//   node scripts/vscode/check-vsix.mjs [routine-load.vsix] [--artifacts DIR]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTools, startCodeServer, tail } from './run-tests.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXTENSION_ID = 'routine-load.routine-load-vscode';

function findFiles(dir, test, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findFiles(path, test, out);
    else if (test(name)) out.push(path);
  }
  return out;
}

/** Install `vsix`, open a .sql file, wait for activation. Resolves { ok, message, durationMs }. */
export async function checkVsix({ vsix, artifactsDir = join(repoRoot, 'test-artifacts'), timeoutMs = 60_000, onLog = (l) => console.log(l) }) {
  const tools = findTools();
  if (!tools.ok) throw new Error(tools.reason);
  const t0 = Date.now();
  const runDir = mkdtempSync(join(tmpdir(), 'rl-vsix-'));
  const ws = join(runDir, 'ws');
  mkdirSync(ws);
  writeFileSync(join(ws, 'jobs.sql'), 'PAUSE ROUTINE LOAD FOR load_test.some_job;\n');
  mkdirSync(artifactsDir, { recursive: true });
  let server;
  let context;
  try {
    const install = spawnSync(tools.nodeBin, [tools.entry, '--user-data-dir', join(runDir, 'ud'), '--extensions-dir', join(runDir, 'exts'), '--install-extension', vsix], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_CONFIG_HOME: join(runDir, 'xdg'), XDG_DATA_HOME: join(runDir, 'xdg') },
    });
    if (install.status !== 0 || !/was successfully installed/.test(install.stdout + install.stderr)) {
      return { ok: false, message: `--install-extension failed (exit ${install.status}):\n${install.stdout}${install.stderr}`, durationMs: Date.now() - t0 };
    }
    onLog(`[vsix] installed: ${install.stdout.trim().split('\n').pop()}`);
    server = await startCodeServer({ tools, runDir });
    const { chromium } = await import('playwright-core');
    context = await chromium.launchPersistentContext(join(runDir, 'chromium'), {
      executablePath: tools.chromium, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'], viewport: { width: 1280, height: 760 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`, { timeout: 30_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
    // Open the .sql file from the Explorer: onLanguage:sql activates the extension.
    const item = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'jobs.sql' }).first();
    await item.waitFor({ timeout: 30_000 });
    await item.dblclick();
    await page.locator('.monaco-editor .view-lines', { hasText: 'PAUSE ROUTINE LOAD' }).first().waitFor({ timeout: 30_000 });
    const deadline = Date.now() + timeoutMs;
    let activated = false;
    let failure = '';
    while (Date.now() < deadline && !activated && !failure) {
      const logs = findFiles(join(runDir, 'ud', 'logs'), (n) => /exthost\.log$/.test(n)).map((f) => readFileSync(f, 'utf8')).join('\n');
      const failed = new RegExp(`Activating extension '?${EXTENSION_ID}'? failed[^\\n]*`, 'i').exec(logs);
      if (failed) failure = failed[0];
      const channel = findFiles(join(runDir, 'ud', 'logs'), (n) => /Routine Load\.log$/.test(n)).map((f) => readFileSync(f, 'utf8')).join('\n');
      if (/Activated \(/.test(channel)) activated = true;
      else await new Promise((r) => setTimeout(r, 250));
    }
    if (activated) {
      // Show the extension's own activity-bar container: the welcome view with "Configure StarRocks".
      await page.locator('.activitybar [aria-label^="Routine Load"]').first().click({ timeout: 10_000 }).catch(() => undefined);
      await page.getByText('Configure StarRocks').first().waitFor({ timeout: 10_000 }).catch(() => undefined);
      await page.screenshot({ path: join(artifactsDir, 'vsix-welcome.png') });
    } else {
      await page.screenshot({ path: join(artifactsDir, 'vsix-failure.png') }).catch(() => undefined);
    }
    const message = activated ? `${EXTENSION_ID} activated from ${vsix}` : failure || `${EXTENSION_ID} did not activate within ${timeoutMs / 1000} s; code-server log:\n${tail(server.logFile)}`;
    return { ok: activated, message, durationMs: Date.now() - t0 };
  } finally {
    await context?.close().catch(() => undefined);
    await server?.stop();
    if (process.env.ROUTINE_LOAD_KEEP_RUN_DIR === '1') onLog(`[vsix] kept ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const ai = args.indexOf('--artifacts');
  const artifactsDir = ai >= 0 ? resolve(args.splice(ai, 2)[1]) : undefined;
  const vsix = resolve(args[0] ?? join(repoRoot, 'routine-load.vsix'));
  try {
    const result = await checkVsix({ vsix, ...(artifactsDir ? { artifactsDir } : {}) });
    console.log(`${result.ok ? 'OK' : 'FAILED'}: ${result.message} (${(result.durationMs / 1000).toFixed(1)} s)`);
    process.exit(result.ok ? 0 : 1);
  } catch (err) {
    console.error(`check-vsix: ${err.message}`);
    process.exit(2);
  }
}
