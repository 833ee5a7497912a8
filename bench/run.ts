// `npm run bench [-- --quick] [-- --only=throughput,freshness,...] [-- --publish]`: the reproducible benchmark suite on loopback
// (the real Kafka broker, the sandbox). Writes bench/results/<stamp>.{json,md,png} and latest.{json,md,png},
// and prints the headline ratios last; --publish also writes bench/RESULTS.md and bench/RESULTS.png. Each section runs on its own: one that cannot run says why.
import './lib/sourcemaps';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { config } from './lib/config';
import type { Format } from './lib/data';
import { describeMachine } from './lib/machine';
import { World } from './lib/world';
import { headlines, markdown, chart, type Results, type Section } from './lib/report';
import { benchThroughput, VARIANTS } from './sections/throughput';
import { benchFreshness } from './sections/freshness';
import { benchResources } from './sections/resources';
import { benchHostImpact } from './sections/hostImpact';
import { benchProfile, type ProfileResult } from './sections/profile';
import { benchAdaptersSection, benchLanguageSection, benchSandboxSection } from './sections/extras';

const SECTIONS = ['language', 'sandbox', 'throughput', 'profile', 'resources', 'host', 'freshness', 'adapters'] as const;
type SectionName = (typeof SECTIONS)[number];

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function section<T>(name: string, fn: () => Promise<T>): Promise<Section<T>> {
  const start = performance.now();
  log(`\n== ${name}`);
  try {
    const data = await fn();
    const seconds = (performance.now() - start) / 1000;
    log(`   (${seconds.toFixed(0)} s)`);
    return { ok: true, seconds, data };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    log(`   not available: ${reason}`);
    return { ok: false, seconds: (performance.now() - start) / 1000, reason };
  }
}

const unavailable = <T>(reason: string): Section<T> => ({ ok: false, seconds: 0, reason });

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const onlyArg = args.find((a) => a.startsWith('--only='));
  const only = new Set((onlyArg?.slice('--only='.length).split(',') ?? SECTIONS) as SectionName[]);
  const from = args.find((a) => a.startsWith('--from='))?.slice('--from='.length);
  if (from) return render(JSON.parse(readFileSync(from, 'utf8')) as Results, args.includes('--publish'));
  const cfg = config(quick);
  // Overrides for exploring: --csv-rows=N --json-rows=N --reps=N --formats=csv,json --partitions=1,5
  for (const a of args) {
    const list = /^--(formats|partitions)=([\w,]+)$/.exec(a);
    if (list?.[1] === 'formats') cfg.formats = list[2]!.split(',').filter((f): f is Format => f === 'csv' || f === 'json');
    if (list?.[1] === 'partitions') cfg.partitions = list[2]!.split(',').map(Number).filter((n) => n > 0);
    const m = /^--(csv-rows|json-rows|reps)=(\d+)$/.exec(a);
    if (!m) continue;
    const n = Number(m[2]);
    if (m[1] === 'reps') cfg.reps = n;
    else cfg.rows[m[1] === 'csv-rows' ? 'csv' : 'json'] = n;
  }
  const outDir = join(__dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const machine = describeMachine();
  log(`Routine Load benchmark (${cfg.mode}) on ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' ')}`);
  const t0 = performance.now();
  const results: Results = { startedAt: startedAt.toISOString(), finishedAt: '', seconds: 0, mode: cfg.mode, config: cfg, machine, loadAverageAtEnd: [], sections: {} };
  const s = results.sections;

  if (only.has('language')) s.language = await section('language', () => benchLanguageSection(quick));
  if (only.has('sandbox')) s.sandbox = await section('sandbox ingest (bench/sandbox.ts)', () => benchSandboxSection(cfg.sandboxRows));

  const needsKafka = SECTIONS.filter((n) => n !== 'language' && n !== 'sandbox' && only.has(n));
  let world: World | undefined;
  if (needsKafka.length > 0) {
    log('\n== starting the Kafka broker');
    try {
      world = await World.start();
      log(`   ${world.broker}`);
    } catch (error) {
      const reason = `the Kafka broker did not start: ${error instanceof Error ? error.message : String(error)}`;
      log(`   not available: ${reason}`);
    }
  }
  try {
    const w = world;
    if (only.has('throughput')) {
      s.throughput = w ? await section('engine throughput', () => benchThroughput(w, { formats: cfg.formats, partitions: cfg.partitions, rows: cfg.rows, reps: cfg.reps, log })) : unavailable('no Kafka broker');
    }
    const tuned = VARIANTS.find((v) => v.id === 'tuned')!;
    if (only.has('profile')) {
      s.profile = w ? await section('CPU profile of the engine', async () => {
        const sandbox = await w.sandbox();
        try {
          const out: ProfileResult[] = [];
          for (const format of cfg.formats) {
            const t = await w.filled(format, 1, cfg.rows[format]);
            const p = await benchProfile(w, sandbox, { topic: t.topic, format, rows: t.rows, properties: tuned.properties, settings: tuned.settings, outDir });
            log(`    ${format}: ${Math.round(p.run.rowsPerS).toLocaleString('en-US')} rows/s; busy ${p.components.slice(0, 4).map((c) => `${c.component} ${Math.round(c.share * 100)}%`).join(', ')}`);
            out.push(p);
          }
          return out;
        } finally {
          await sandbox.child.stop();
        }
      }) : unavailable('no Kafka broker');
    }
    if (only.has('resources')) {
      s.resources = w ? await section('resources', () => benchResources(w, { smallRows: Math.round(cfg.rows.csv / 4), reps: cfg.resources.reps, log })) : unavailable('no Kafka broker');
    }
    if (only.has('host')) {
      s.hostImpact = w ? await section('extension-host impact', async () => {
        const big = await w.filled('csv', 1, cfg.rows.csv);
        return benchHostImpact(w, { topic: big.topic, rows: big.rows, idleSeconds: cfg.host.idleSeconds });
      }) : unavailable('no Kafka broker');
    }
    if (only.has('freshness')) {
      s.freshness = w ? await section('freshness', async () => {
        const sandbox = await w.sandbox();
        try {
          const out = [];
          for (const [variant, properties] of [['default', {}], ['max_batch_interval 5', { max_batch_interval: '5' }]] as const) {
            const r = await benchFreshness(w, sandbox, { variant, properties, ...cfg.freshness });
            log(`    ${variant}: p50 ${(r.p50Ms / 1000).toFixed(2)} s, p95 ${(r.p95Ms / 1000).toFixed(2)} s over ${r.rows} rows`);
            out.push(r);
          }
          return out;
        } finally {
          await sandbox.child.stop();
        }
      }) : unavailable('no Kafka broker');
    }
    if (only.has('adapters')) {
      s.adapters = w ? await section('I/O adapters (bench/io.ts)', () => benchAdaptersSection(w.broker, cfg.adapterMessages)) : unavailable('no Kafka broker');
    }
  } finally {
    await world?.close();
  }

  results.finishedAt = new Date().toISOString();
  results.seconds = (performance.now() - t0) / 1000;
  results.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  const files = {
    json: join(outDir, `${stamp}.json`),
    md: join(outDir, `${stamp}.md`),
    png: join(outDir, `${stamp}.png`),
  };
  writeFileSync(files.json, `${JSON.stringify(results, null, 2)}\n`);
  const png = chart(results);
  if (png) writeFileSync(files.png, png);
  writeFileSync(files.md, markdown(results, png ? 'latest.png' : undefined));
  copyFileSync(files.json, join(outDir, 'latest.json'));
  copyFileSync(files.md, join(outDir, 'latest.md'));
  if (png) copyFileSync(files.png, join(outDir, 'latest.png'));
  if (args.includes('--publish') && png) {
    // The representative run kept in the repository for the README.
    writeFileSync(join(__dirname, 'RESULTS.png'), png);
    writeFileSync(join(__dirname, 'RESULTS.md'), markdown(r2(results), 'RESULTS.png'));
    log(`\npublished: ${join(__dirname, 'RESULTS.md')}`);
  }
  log(`\nresults: ${files.json}\n         ${files.md}${png ? `\n         ${files.png}` : ''}`);
  log(`\nHeadline (${cfg.mode}, ${results.seconds.toFixed(0)} s, medians; ratios are side by side in this run):`);
  for (const line of headlines(results)) log(`  ${line}`);
}

/** --from=<results.json>: the markdown, chart and headline of a saved run again (after a change to the report). */
function render(results: Results, publish: boolean): void {
  const outDir = join(__dirname, 'results');
  const png = chart(results);
  if (png) writeFileSync(join(outDir, 'rendered.png'), png);
  writeFileSync(join(outDir, 'rendered.md'), markdown(results, png ? 'rendered.png' : undefined));
  if (publish && png) {
    writeFileSync(join(__dirname, 'RESULTS.png'), png);
    writeFileSync(join(__dirname, 'RESULTS.md'), markdown(r2(results), 'RESULTS.png'));
  }
  log(`rendered ${join(outDir, 'rendered.md')}${publish ? ' and bench/RESULTS.md' : ''}`);
  for (const line of headlines(results)) log(`  ${line}`);
}

/** Paths in the published copy are relative to the repository. */
function r2(results: Results): Results {
  return JSON.parse(JSON.stringify(results).replaceAll(`${join(__dirname, '..')}/`, '')) as Results;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
