// Turns a run's results into the markdown table, the chart and the headline lines printed last.
import type { Config } from './config';
import type { MachineInfo } from './machine';
import type { ScenarioResult } from '../sections/throughput';
import type { FreshnessResult } from '../sections/freshness';
import type { ResourcesResult } from '../sections/resources';
import type { HostImpactResult } from '../sections/hostImpact';
import type { ProfileResult } from '../sections/profile';
import type { AdaptersSection, LanguageSection } from '../sections/extras';
import type { SandboxBenchResult } from '../sandbox';
import { throughputChart, type Panel } from './chart';
import { fmt, fmtInt, fmtRatio, median } from './stats';

export type Section<T> = { ok: true; seconds: number; data: T } | { ok: false; seconds: number; reason: string };

export interface Results {
  startedAt: string;
  finishedAt: string;
  seconds: number;
  mode: 'full' | 'quick';
  config: Config;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  sections: {
    language?: Section<LanguageSection>;
    sandbox?: Section<SandboxBenchResult>;
    throughput?: Section<ScenarioResult[]>;
    profile?: Section<ProfileResult[]>;
    resources?: Section<ResourcesResult>;
    hostImpact?: Section<HostImpactResult>;
    freshness?: Section<FreshnessResult[]>;
    adapters?: Section<AdaptersSection>;
  };
}

// The fields used from bench/lsp.ts and bench/io.ts results (kept structural: those modules evolve on their own).
interface LspFields { completionP50Ms?: number; completionP95Ms?: number; protocolCompletionP95Ms?: number; diagnosticsAfterDebounceP95Ms?: number; debounceMs?: number }
interface RateFields { messagesPerSecond: number; megabytesPerSecond: number }
interface KafkaIoFields { messages: number; sourceCold: RateFields; sourceWarm: RateFields; consumerTotal: RateFields; consumerSteady: RateFields; consumerJoinMs: number }
interface StreamLoadIoFields { requests: number; bodyBytes: number; clientMedianMs: number; bareMedianMs: number; overheadMs: number }

const pct = (v: number): string => (Number.isFinite(v) ? `${Math.round(v * 100)}%` : '–');
const mb = (v: number): string => fmt(v, 1);
const sec = (ms: number): string => `${fmt(ms / 1000, 2)} s`;

function na(name: string, s: Section<unknown> | undefined): string | undefined {
  if (!s) return undefined;
  return s.ok ? undefined : `_${name}: not available: ${s.reason}_\n`;
}

const ceilingRate = (c: { rows: number; totalMs: number }): number => c.rows / (c.totalMs / 1000);

/**
 * Why a throughput number is what it is, from the run's timeline (when reads and Stream Loads were in flight) and
 * the CPU shares measured over the same interval. A task reads the next batch while the current one loads
 * (read-ahead), so after the first batch the run is as fast as the slower of the two.
 */
export function throughputLimit(r: ScenarioResult, variant: string): string {
  const e = r.summary.engine[variant];
  if (!e) return '';
  const runs = r.runs[variant] ?? [];
  const loads = median(runs.map((x) => x.streamLoads));
  const seconds = median(runs.map((x) => x.seconds));
  const demand = e.engineCpuShare + e.engineRunQueueShare;
  const parts: string[] = [
    `the first batch was read and built in ${fmt(e.firstLoadS, 2)} s (${pct(e.firstLoadS / seconds)} of the run); after that a Stream Load was in flight ${pct(e.loadBusyAfterFirstShare)} of the time (${fmt(loads, 0)} loads${r.partitions > 1 ? ', concurrent tasks counted once' : ''}) and a read ${pct(e.readBusyShare)} of the run`,
  ];
  if (e.loadBusyAfterFirstShare >= 0.85) parts.push('so Stream Load — sending the bodies over HTTP, the sandbox parsing and storing them — set the pace');
  else if (demand >= 0.85) parts.push(`the engine's thread set the pace: on a CPU ${pct(e.engineCpuShare)} of the run and waiting for one ${pct(e.engineRunQueueShare)} (reading Kafka and building bodies)`);
  else parts.push(`the engine was on a CPU ${pct(e.engineCpuShare)} of the run and waiting for one ${pct(e.engineRunQueueShare)}`);
  parts.push(`sandbox on a CPU ${pct(e.sandboxCpuShare)} (+${pct(e.sandboxRunQueueShare)} waiting), broker ${pct(e.brokerCpuShare)}`);
  if (e.engineRunQueueShare >= 0.25) parts.push(`the machine was contended: the engine waited for a free core ${pct(e.engineRunQueueShare)} of the run`);
  return parts.join('; ');
}

/**
 * CPU per row of the engine's path (engine + sandbox + broker, tuned runs) against the kafkajs consumer's (consumer
 * + broker), and the rate the engine's path could not exceed on this machine's cores even if it never waited.
 */
export function cpuBound(sc: ScenarioResult, cores: number): string {
  const runs = sc.runs.tuned ?? [];
  const us = (cpuS: number) => (cpuS / sc.rows) * 1e6;
  const engine = median(runs.map((x) => us(x.engineCpuS / x.jobs)));
  const sandbox = median(runs.map((x) => us(x.sandboxCpuS / x.jobs)));
  const broker = median(runs.map((x) => us(x.brokerCpuS / x.jobs)));
  const consumer = median(sc.ceiling.map((c) => us(c.cpuS)));
  const consumerBroker = median(sc.ceiling.map((c) => us(c.brokerCpuS ?? Number.NaN)));
  const total = engine + sandbox + broker;
  const bound = (cores * 1e6) / total;
  return `CPU per row, tuned: engine ${fmt(engine, 2)} µs + sandbox ${fmt(sandbox, 2)} µs + broker ${fmt(broker, 2)} µs = ${fmt(total, 2)} µs, against the kafkajs consumer's ${fmt(consumer, 2)} µs + broker ${fmt(consumerBroker, 2)} µs; on ${cores} cores the engine's path cannot pass ${fmtInt(bound)} rows/s (${fmtRatio(bound / sc.summary.ceilingRowsPerS)} the kafkajs rate) even with no waiting`;
}

/** Rows per second of Stream Load in flight (union over tasks): what HTTP and the sandbox took while busy. */
const loadRate = (x: { rows: number; seconds: number; loadBusyShare: number }): number => x.rows / (x.loadBusyShare * x.seconds);
const readRate = (x: { rows: number; seconds: number; readBusyShare: number }): number => x.rows / (x.readBusyShare * x.seconds);

export function headlines(r: Results): string[] {
  const out: string[] = [];
  const s = r.sections;
  if (s.throughput?.ok) {
    for (const sc of s.throughput.data) {
      const d = sc.summary.engine.default;
      const t = sc.summary.engine.tuned;
      out.push(`engine ÷ kafkajs, ${sc.id.padEnd(7)}: default ${fmtRatio(d?.ratio ?? NaN)}, tuned ${fmtRatio(t?.ratio ?? NaN)} (goal ≥ 0.80×; kafkajs ${fmtInt(sc.summary.ceilingRowsPerS)} rows/s, engine tuned ${fmtInt(t?.rowsPerS ?? NaN)} rows/s, ${mb(t?.mbPerS ?? NaN)} MB/s)`);
    }
  } else if (s.throughput) out.push(`engine throughput: not available: ${s.throughput.reason}`);
  if (s.throughput?.ok) {
    // What the engine saw of Stream Load (HTTP + the sandbox) on one partition, while a load was in flight.
    const rates = s.throughput.data.filter((x) => x.partitions === 1).map((x) => {
      const runs = x.runs.tuned ?? [];
      const rate = median(runs.map(loadRate));
      return `${x.format.toUpperCase()} ${fmtInt(rate)} rows/s (${fmtRatio(rate / x.summary.ceilingRowsPerS)} the kafkajs rate)`;
    });
    if (rates.length) out.push(`Stream Load into the sandbox, per second a load was in flight: ${rates.join(', ')}`);
  }
  if (s.sandbox?.ok && s.throughput?.ok) {
    const csv = s.throughput.data.filter((x) => x.format === 'csv').map((x) => Math.max(...Object.values(x.summary.engine).map((e) => e.rowsPerS)));
    const best = Math.max(...csv);
    out.push(`sandbox ingest ÷ best engine CSV rate: ${fmtRatio(s.sandbox.data.rowsPerSecond / best)} (sandbox ${fmtInt(s.sandbox.data.rowsPerSecond)} rows/s; goal ≥ 500,000 and not the limit)`);
  } else if (s.sandbox?.ok) out.push(`sandbox ingest: ${fmtInt(s.sandbox.data.rowsPerSecond)} rows/s`);
  if (s.freshness?.ok) {
    out.push(`freshness p50 / p95: ${s.freshness.data.map((f) => `${f.variant} ${sec(f.p50Ms)} / ${sec(f.p95Ms)}`).join('; ')}`);
  } else if (s.freshness) out.push(`freshness: not available: ${s.freshness.reason}`);
  if (s.resources?.ok) {
    const d = s.resources.data;
    out.push(`memory: peak RSS with a 4× topic ÷ 1× topic ${fmtRatio(d.fourTimesTopicRssRatio)} (4× would be proportional); 10 jobs ÷ 1 job ${fmtRatio(d.tenJobsRssRatio)}; CPU per row, 10 jobs ÷ 1 job ${fmtRatio(d.tenJobsCpuPerRowRatio)}`);
  } else if (s.resources) out.push(`resources: not available: ${s.resources.reason}`);
  if (s.hostImpact?.ok) {
    const h = s.hostImpact.data;
    out.push(`extension host event-loop delay p99 while loading: ${fmt(h.loading.p99Ms, 1)} ms (idle ${fmt(h.idle.p99Ms, 1)} ms; goal < 20 ms)`);
  } else if (s.hostImpact) out.push(`extension host: not available: ${s.hostImpact.reason}`);
  if (s.language?.ok) {
    const l = s.language.data.language;
    const lsp = s.language.data.lsp as LspFields | undefined;
    out.push(`lint of 1 MB ÷ bare Chevrotain parse: ${fmtRatio(l.ratio)} (${fmt(l.lintMs, 0)} ms vs ${fmt(l.bareMs, 0)} ms)${lsp?.completionP95Ms !== undefined ? `; completion p95 ${fmt(lsp.completionP95Ms, 2)} ms` : ''}`);
  } else if (s.language) out.push(`language: not available: ${s.language.reason}`);
  if (s.profile?.ok) {
    for (const p of s.profile.data) out.push(`engine CPU profile, ${p.scenario} (busy ${pct(p.busyMs / p.totalMs)}): ${p.components.slice(0, 3).map((c) => `${c.component} ${pct(c.share)}`).join(', ')}`);
  }
  return out;
}

export function chart(r: Results): Buffer | undefined {
  const t = r.sections.throughput;
  if (!t?.ok || t.data.length === 0) return undefined;
  const panels: Panel[] = t.data.map((sc) => {
    // The run closest to the median of each contender, so the picture is a typical run.
    const pick = <T>(runs: T[], rate: (x: T) => number): T | undefined => {
      const m = median(runs.map(rate));
      return [...runs].sort((a, b) => Math.abs(rate(a) - m) - Math.abs(rate(b) - m))[0];
    };
    const c = pick(sc.ceiling, ceilingRate);
    const d = pick(sc.runs.default ?? [], (x) => x.rowsPerS);
    const tu = pick(sc.runs.tuned ?? [], (x) => x.rowsPerS);
    const toS = (pts: Array<[number, number]>): Array<[number, number]> => pts.map(([ms, rows]) => [ms / 1000, rows]);
    return {
      title: sc.id.toUpperCase(),
      subtitle: `${fmtInt(sc.rows)} × ${sc.rowBytes} B  DEFAULT ${fmtRatio(sc.summary.engine.default?.ratio ?? NaN)}  TUNED ${fmtRatio(sc.summary.engine.tuned?.ratio ?? NaN)}`,
      series: [
        { label: 'kafkajs consumer (ceiling)', color: [120, 120, 120], points: c ? toS(c.series) : [] },
        { label: 'engine, default properties', color: [31, 119, 180], points: d ? toS(d.series) : [] },
        { label: 'engine, tuned properties', color: [214, 39, 40], points: tu ? toS(tu.series) : [] },
      ],
    };
  });
  const m = r.machine;
  return throughputChart('ROUTINE LOAD ENGINE THROUGHPUT, KAFKA TO SANDBOX ON LOOPBACK', `${r.mode.toUpperCase()} RUN ${r.startedAt.slice(0, 16).replace('T', ' ')}, ${m.cores} CORES, NODE ${m.node}; MEDIAN-RATE RUN OF EACH CONTENDER SHOWN`, panels);
}

export function markdown(r: Results, chartFile?: string): string {
  const m = r.machine;
  const s = r.sections;
  const L: string[] = [];
  L.push(`# Benchmark results (${r.mode})`, '');
  L.push(`Run ${r.startedAt} – ${r.finishedAt} (${fmt(r.seconds / 60, 1)} min) with \`npm run bench${r.mode === 'quick' ? ' -- --quick' : ''}\`. Every comparison was measured side by side in this run; numbers are medians of ${r.config.reps} runs unless stated, and the ratios matter more than the absolute rates.`, '');
  L.push('| machine | |', '|---|---|');
  L.push(`| CPU | ${m.cpuModel} |`, `| cores | ${m.cores} |`, `| memory | ${m.memoryGiB} GiB (${m.freeMemoryGiB} GiB free at start) |`);
  L.push(`| Node | ${m.node} |`, `| OS | ${m.os} |`, `| Kafka broker JVM | ${m.java} |`);
  L.push(`| load average | ${m.loadAverageAtStart.join(' / ')} at start, ${r.loadAverageAtEnd.join(' / ')} at end (1 / 5 / 15 min) |`, '');
  L.push('Topology: the Kafka broker (JVM), the sandbox, the engine and the kafkajs consumer each run in their own process on the same machine; the suite itself only produces and watches.', '');

  L.push('## Headline', '');
  for (const h of headlines(r)) L.push(`- ${h}`);
  L.push('');
  if (chartFile) L.push(`![Throughput over time](${chartFile})`, '');

  L.push('## Engine throughput', '');
  const t = s.throughput;
  if (t?.ok) {
    L.push('Pre-filled topic, job from OFFSET_BEGINNING, timed from CREATE ROUTINE LOAD to the job event with every row loaded; the kafkajs consumer (its own process, a consumer group, `eachBatch`) is timed from joining its group to its last row. Default: the job\'s default properties and engine settings. Tuned: `max_batch_interval` 5, `desired_concurrent_number` 5, `routine_load_task_consume_second` 10. Each scenario starts with one warm-up round (the kafkajs consumer and both variants, not counted); then each repetition has a fresh sandbox that takes a few warm-up loads first, and the variants\' order alternates.', '');
    L.push('| scenario | rows × bytes | kafkajs rows/s (MB/s) | engine default rows/s (MB/s) | ÷ kafkajs | engine tuned rows/s (MB/s) | ÷ kafkajs | tuned: first Stream Load at / in flight after it | tuned: CPU engine / sandbox / broker | peak RSS (tuned) |');
    L.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const sc of t.data) {
      const d = sc.summary.engine.default;
      const tu = sc.summary.engine.tuned;
      L.push(`| ${sc.id} | ${fmtInt(sc.rows)} × ${sc.rowBytes} B | ${fmtInt(sc.summary.ceilingRowsPerS)} (${mb(sc.summary.ceilingMBPerS)}) | ${fmtInt(d?.rowsPerS ?? NaN)} (${mb(d?.mbPerS ?? NaN)}) | **${fmtRatio(d?.ratio ?? NaN)}** | ${fmtInt(tu?.rowsPerS ?? NaN)} (${mb(tu?.mbPerS ?? NaN)}) | **${fmtRatio(tu?.ratio ?? NaN)}** | ${fmt(tu?.firstLoadS ?? NaN, 2)} s / ${pct(tu?.loadBusyAfterFirstShare ?? NaN)} | ${pct(tu?.engineCpuShare ?? NaN)} / ${pct(tu?.sandboxCpuShare ?? NaN)} / ${pct(tu?.brokerCpuShare ?? NaN)} | ${fmt(tu?.peakRssMB ?? NaN, 0)} MB |`);
    }
    // The spread says how far one repetition's ratio can be trusted on this machine.
    const spreads = t.data.map((sc) => {
      const rates = sc.ceiling.map(ceilingRate);
      const parts = Object.entries(sc.runs).map(([v, runs]) => {
        const ratios = runs.map((x, i) => x.rowsPerS / (rates[i] ?? Number.NaN)).filter(Number.isFinite);
        return ratios.length > 0 ? `${v} ${fmtRatio(Math.min(...ratios))}–${fmtRatio(Math.max(...ratios))}` : '';
      }).filter(Boolean);
      return `${sc.id} ${parts.join(', ')} (kafkajs ${fmtInt(Math.min(...rates))}–${fmtInt(Math.max(...rates))} rows/s)`;
    });
    L.push('', `Spread over the repetitions, each engine run ÷ the kafkajs consumer of its own repetition: ${spreads.join('; ')}.`);
    L.push('', 'The sandbox keeps every loaded row. The memory for them is allocated and written before the runs (its preTouchMB, sized to the rows a repetition loads): a kept body is fresh memory, whose first writes on this machine cost the stand-in as much as parsing it, on the cores the engine and the broker share. A StarRocks cluster parses and stores on its own machines.');
    L.push('', 'Per phase (tuned, medians), from each run\'s timeline: the engine\'s reads (rows ÷ time at least one read was in flight) next to the kafkajs consumer; its Stream Loads (rows ÷ time at least one was in flight: HTTP plus the sandbox parsing and storing); when the first Stream Load started (the first batch read and built); and how much of the rest of the run a Stream Load was in flight (near 100%: the loads set the pace, reads keep up).', '');
    L.push('| scenario | kafkajs rows/s | engine reads rows/s | Stream Load rows/s | first Stream Load at | Stream Load in flight after it |', '|---|---|---|---|---|---|');
    for (const sc of t.data) {
      const runs = sc.runs.tuned ?? [];
      if (runs.length === 0) continue;
      L.push(`| ${sc.id} | ${fmtInt(sc.summary.ceilingRowsPerS)} | ${fmtInt(median(runs.map(readRate)))} | ${fmtInt(median(runs.map(loadRate)))} | ${fmt(median(runs.map((x) => x.firstLoadS)), 2)} s | ${pct(median(runs.map((x) => x.loadBusyAfterFirstShare)))} |`);
    }
    L.push('', 'What limits each number:', '');
    for (const sc of t.data) {
      const cpu = median(sc.ceiling.map((c) => c.cpuS / (c.totalMs / 1000)));
      const wait = median(sc.ceiling.map((c) => (c.runQueueWaitS ?? Number.NaN) / (c.totalMs / 1000)));
      L.push(`- ${sc.id}, kafkajs: ${pct(cpu)} of a core in the consumer process (+${pct(wait)} waiting for one) — ${cpu + wait >= 0.8 ? 'kafkajs decoding on one core is the limit' : 'not CPU-bound; fetch round trips and the broker set the pace'}.`);
      for (const v of Object.keys(sc.summary.engine)) L.push(`- ${sc.id}, engine ${v}: ${throughputLimit(sc, v)}.`);
      L.push(`- ${sc.id}, ${cpuBound(sc, m.cores)}.`);
    }
    L.push('');
    const kind = t.data[0]?.runs.tuned?.[0]?.streamLoadKind;
    if (kind === 'stand-in') L.push('_Stream Load went through the suite\'s stand-in client (engine/src/streamload was absent)._', '');
  } else if (t) L.push(na('engine throughput', t)!);

  L.push('## Sandbox ingest', '');
  if (s.sandbox?.ok) {
    const x = s.sandbox.data;
    L.push(`bench/sandbox.ts: ${fmtInt(x.rows)} CSV rows in ${x.loads} Stream Loads over loopback HTTP, client and sandbox in one process: **${fmtInt(x.rowsPerSecond)} rows/s** (${x.megabytesPerSecond} MB/s; ${fmtInt(x.rowsPerCpuSecond)} rows per CPU second; goal ≥ 500,000 rows/s). Limited by the sandbox's CSV parsing and row storage on one core.`, '');
  } else if (s.sandbox) L.push(na('sandbox ingest', s.sandbox)!);

  L.push('## Freshness', '');
  if (s.freshness?.ok) {
    L.push(`CSV rows produced at a steady ${fmtInt(s.freshness.data[0]?.ratePerS ?? NaN)} rows/s for ${s.freshness.data[0]?.seconds} s into one partition; a row is loaded at the commit event whose progress reaches its offset.`, '');
    L.push('| properties | rows | p50 | p95 | max | commits |', '|---|---|---|---|---|---|');
    for (const f of s.freshness.data) L.push(`| ${f.variant} | ${fmtInt(f.rows)} | ${sec(f.p50Ms)} | ${sec(f.p95Ms)} | ${sec(f.maxMs)} | ${f.commits} |`);
    L.push('', 'Limited by the schedule, not by work: a caught-up job waits max_batch_interval before its next task, so a row waits on average half the interval plus one task (read + Stream Load).', '');
  } else if (s.freshness) L.push(na('freshness', s.freshness)!);

  L.push('## Resources', '');
  if (s.resources?.ok) {
    const x = s.resources.data;
    L.push(`Engine process, CSV rows, ${Object.entries(x.properties ?? {}).map(([k, v]) => `\`${k}\` ${v}`).join(', ')}, engine setting \`routine_load_task_consume_second\` ${x.settings.routine_load_task_consume_second}; CPU from process.cpuUsage(), RSS sampled every 20 ms. An idle engine process: ${fmt(x.baselineRssMB, 0)} MB RSS.`, '');
    L.push('| case | rows | Stream Loads | CPU s | CPU s per million rows | peak RSS | peak heap | rows/s |', '|---|---|---|---|---|---|---|---|');
    for (const c of x.cases) L.push(`| ${c.id} | ${fmtInt(c.rowsPerJob * c.jobs)} | ${fmt(median(c.runs.map((r) => r.streamLoads)), 0)} | ${fmt(c.cpuS, 2)} | ${fmt(c.cpuSPerMillionRows, 1)} | ${fmt(c.peakRssMB, 0)} MB | ${fmt(c.peakHeapMB, 0)} MB | ${fmtInt(c.rowsPerS)} |`);
    L.push('', `Peak RSS with a 4× larger topic is ${fmtRatio(x.fourTimesTopicRssRatio)} that of the 1× topic: memory follows the batch (what one consume window reads, capped by max_batch_size), not the topic. Ten jobs at once: ${fmtRatio(x.tenJobsRssRatio)} the memory of one, ${fmtRatio(x.tenJobsCpuPerRowRatio)} the CPU per row.`, '');
  } else if (s.resources) L.push(na('resources', s.resources)!);

  L.push('## Extension-host impact', '');
  if (s.hostImpact?.ok) {
    const h = s.hostImpact.data;
    L.push(`A process acting as the extension host talks to the engine daemon (its own process) through \`EngineClient\` and receives its events while a job loads ${fmtInt(h.rows)} rows at full speed (${fmtInt(h.rowsPerS)} rows/s, ${h.events} events). Event-loop delay of the host (perf_hooks.monitorEventLoopDelay, 1 ms resolution):`, '');
    L.push('| | p50 | p99 | max |', '|---|---|---|---|');
    L.push(`| idle, connected | ${fmt(h.idle.p50Ms, 2)} ms | ${fmt(h.idle.p99Ms, 2)} ms | ${fmt(h.idle.maxMs, 1)} ms |`);
    L.push(`| job loading at full speed | ${fmt(h.loading.p50Ms, 2)} ms | **${fmt(h.loading.p99Ms, 2)} ms** | ${fmt(h.loading.maxMs, 1)} ms |`);
    L.push('', 'Goal: p99 < 20 ms. The host only parses one small JSON event per commit; what remains is the machine\'s own scheduling noise (two cores shared by the broker, the sandbox and the daemon).', '');
  } else if (s.hostImpact) L.push(na('extension-host impact', s.hostImpact)!);

  L.push('## Language', '');
  if (s.language?.ok) {
    const l = s.language.data.language;
    const lsp = s.language.data.lsp as LspFields | undefined;
    L.push('| measure | value | goal |', '|---|---|---|');
    L.push(`| lint (parse + analyze) of ${fmt(l.bytes / 2 ** 20, 2)} MB, ${fmtInt(l.statements)} statements, warm median | ${fmt(l.lintMs, 1)} ms | < 150 ms |`);
    L.push(`| bare Chevrotain lex + parse of the same text | ${fmt(l.bareMs, 1)} ms | |`);
    L.push(`| lint ÷ bare parse | **${fmtRatio(l.ratio)}** | < 3× |`);
    if (lsp) {
      L.push(`| completion after an edit, p95 (service) | ${fmt(lsp.completionP95Ms ?? NaN, 2)} ms | < 10 ms |`);
      L.push(`| completion round trip through the server, p95 | ${fmt(lsp.protocolCompletionP95Ms ?? NaN, 2)} ms | |`);
      L.push(`| fresh diagnostics after the ${lsp.debounceMs ?? '?'} ms debounce, p95 | ${fmt(lsp.diagnosticsAfterDebounceP95Ms ?? NaN, 1)} ms | < 50 ms |`);
    } else L.push(`| LSP (bench/lsp.ts) | not available: ${s.language.data.lspError ?? 'unknown'} | |`);
    L.push('', 'Both are CPU on one core: lexing and parsing (Chevrotain) dominate; the rules add the rest.', '');
  } else if (s.language) L.push(na('language', s.language)!);

  L.push('## Where the engine spends its time', '');
  if (s.profile?.ok) {
    for (const p of s.profile.data) {
      L.push(`### ${p.scenario}`, '');
      L.push(`\`--cpu-prof\` on the engine process during one tuned run (${fmtInt(p.run.rowsPerS)} rows/s), cut to the run. Busy ${fmt(p.busyMs / 1000, 2)} s of ${fmt(p.totalMs / 1000, 2)} s (idle ${pct(p.idleMs / p.totalMs)}). Profile: \`${p.profileFile.replace(/^.*\/bench\//, 'bench/')}\` (open it in Chrome DevTools or VS Code).`, '');
      L.push('| component | self time | share of busy |', '|---|---|---|');
      for (const c of p.components) if (c.share >= 0.005) L.push(`| ${c.component} | ${fmt(c.selfMs, 0)} ms | ${pct(c.share)} |`);
      L.push('', '| function | where | component | self time | share |', '|---|---|---|---|---|');
      for (const e of p.top) L.push(`| \`${e.name}\` | ${e.where} | ${e.component} | ${fmt(e.selfMs, 0)} ms | ${pct(e.share)} |`);
      L.push('');
    }
  } else if (s.profile) L.push(na('profile', s.profile)!);

  L.push('## I/O adapters (bench/io.ts)', '');
  if (s.adapters?.ok) {
    const a = s.adapters.data;
    const k = a.kafka as KafkaIoFields | undefined;
    const sl = a.streamLoad as StreamLoadIoFields | undefined;
    if (k) {
      L.push(`Kafka, ${fmtInt(k.messages)} messages of 100 B over 5 partitions, in the suite's process: engine source warm ${fmtInt(k.sourceWarm.messagesPerSecond)} msg/s, fresh ${fmtInt(k.sourceCold.messagesPerSecond)} msg/s; plain kafkajs consumer ${fmtInt(k.consumerSteady.messagesPerSecond)} msg/s steady, ${fmtInt(k.consumerTotal.messagesPerSecond)} msg/s from run() (group join ${fmt(k.consumerJoinMs, 0)} ms). Source ÷ consumer (steady): **${fmtRatio(k.sourceWarm.messagesPerSecond / k.consumerSteady.messagesPerSecond)}**.`, '');
    } else L.push(`Kafka adapter: not available: ${a.kafkaError}`, '');
    if (sl) {
      L.push(`Stream Load, ${sl.requests} loads of ${fmt(sl.bodyBytes / 2 ** 20, 1)} MB: client median ${fmt(sl.clientMedianMs, 2)} ms vs a bare undici PUT to the BE ${fmt(sl.bareMedianMs, 2)} ms (handshake overhead ${fmt(sl.overheadMs, 2)} ms).`, '');
    } else L.push(`Stream Load adapter: not available: ${a.streamLoadError}`, '');
  } else if (s.adapters) L.push(na('I/O adapters', s.adapters)!);

  const missing = Object.entries(s).filter(([, v]) => v && !v.ok).map(([k, v]) => `- ${k}: ${(v as { reason: string }).reason}`);
  if (missing.length) L.push('## Not available in this run', '', ...missing, '');
  return `${L.join('\n')}\n`;
}
