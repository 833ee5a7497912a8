// Runs node's built-in test runner over the TypeScript tests of one layer (or all), via tsx.
// Node 20's --test takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const layers = { unit: ['test/unit'], integration: ['test/integration'], e2e: ['test/e2e'], reliability: ['test/reliability'] };
const which = process.argv[2] ?? 'all';
const dirs = which === 'all' ? [...layers.unit, ...layers.integration, ...layers.e2e, ...layers.reliability] : layers[which];
if (!dirs) {
  console.error(`unknown test layer "${which}": use unit, integration, e2e, reliability or all`);
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
// Layers beyond unit need a real Kafka broker: run their files one at a time against one shared broker
// (started here unless ROUTINE_LOAD_KAFKA already points at one), instead of a broker per file.
const needsKafka = which !== 'unit';
const concurrency = needsKafka ? ['--test-concurrency=1'] : [];
// A test that hangs fails after 10 minutes instead of holding the run (and CI) for ever.
const timeout = ['--test-timeout=600000'];
const testCommand = [process.execPath, '--import', 'tsx', '--test', ...concurrency, ...timeout, ...extra, ...files];
const command = needsKafka && !process.env.ROUTINE_LOAD_KAFKA
  ? [process.execPath, 'scripts/kafka.mjs', 'with', '--', ...testCommand]
  : testCommand;
const result = spawnSync(command[0], command.slice(1), { stdio: 'inherit' });
process.exit(result.status ?? 1);
