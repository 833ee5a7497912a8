// Runs node's built-in test runner over the TypeScript tests of one layer (or all), via tsx.
// Node 20's --test takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const layers = { unit: ['test/unit'], integration: ['test/integration'], e2e: ['test/e2e'] };
const which = process.argv[2] ?? 'all';
const dirs = which === 'all' ? [...layers.unit, ...layers.integration, ...layers.e2e] : layers[which];
if (!dirs) {
  console.error(`unknown test layer "${which}": use unit, integration, e2e or all`);
  process.exit(2);
}

function collect(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = dirs.flatMap(collect).sort();
if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')}`);
  process.exit(1);
}
const extra = process.argv.slice(3);
// Integration tests share one Kafka broker and machine: run files one at a time.
const concurrency = which === 'unit' ? [] : ['--test-concurrency=1'];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...concurrency, ...extra, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
