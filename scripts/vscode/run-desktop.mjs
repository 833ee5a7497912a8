#!/usr/bin/env node
// The same in-VS-Code test module, in desktop VS Code through @vscode/test-electron: for
// developers whose machine can download VS Code (CI here uses code-server: run-tests.mjs).
//
//   node scripts/vscode/run-desktop.mjs --tests test/e2e/suite/smoke.ts [--folder DIR] [--version stable]
//
// The full suite (test/e2e/suite/extension.ts) needs ROUTINE_LOAD_E2E (Kafka, StarRocks, names;
// see test/e2e/vscode.test.ts) and ROUTINE_LOAD_E2E_RUN_DIR; its screenshot step needs the
// code-server runner, so on the desktop run smoke.ts or your own module.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleSuite } from './run-tests.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function parseArgs(argv) {
  const opts = { version: 'stable' };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--tests') opts.tests = resolve(value);
    else if (flag === '--folder') opts.folder = resolve(value);
    else if (flag === '--version') opts.version = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!opts.tests) throw new Error('--tests <test module (.ts or bundled .js)> is required');
  return opts;
}

try {
  const opts = parseArgs(process.argv.slice(2));
  const { runTests } = await import('@vscode/test-electron');
  const testsPath = opts.tests.endsWith('.ts') ? await bundleSuite(opts.tests, join(repoRoot, 'out', 'desktop-suite.js')) : opts.tests;
  const scratch = mkdtempSync(join(tmpdir(), 'rl-desktop-'));
  const workspace = opts.folder ?? mkdtempSync(join(scratch, 'ws-'));
  try {
    const code = await runTests({
      version: opts.version,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(scratch, 'ud')],
      extensionTestsEnv: { ROUTINE_LOAD_E2E_RUN_DIR: scratch, ...(process.env.ROUTINE_LOAD_E2E ? { ROUTINE_LOAD_E2E: process.env.ROUTINE_LOAD_E2E } : {}) },
    });
    process.exit(code);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} catch (err) {
  const offline = /ENOTFOUND|fetch failed|EAI_AGAIN/.test(String(err?.message ?? err));
  console.error(`run-desktop: ${err?.message ?? err}${offline ? '\nVS Code cannot be downloaded from here: use node scripts/vscode/run-tests.mjs (code-server) instead.' : ''}`);
  process.exit(offline ? 3 : 1);
}
