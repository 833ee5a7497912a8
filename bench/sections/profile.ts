// Where the engine's time goes: one full-speed run with the engine process under --cpu-prof, its profile
// summarised by self time per function and per component (kafkajs decoding, the engine, HTTP, GC, idle).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire, findSourceMap } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowBytes, type Format } from '../lib/data';
import type { SandboxChild, World } from '../lib/world';
import { runEngine, type EngineRun } from './engineRun';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  where: string;
  component: string;
  selfMs: number;
  /** Share of the busy (non-idle) time. */
  share: number;
}

export interface ProfileResult {
  scenario: string;
  run: Omit<EngineRun, 'series'>;
  profileFile: string;
  totalMs: number;
  idleMs: number;
  busyMs: number;
  components: Array<{ component: string; selfMs: number; share: number }>;
  top: ProfileEntry[];
}

/** Which part of the system a function belongs to, from its script URL. */
export function component(url: string, name: string): string {
  if (name === '(idle)') return 'idle';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)') return 'V8 / native (program)';
  if (/node_modules\/kafkajs\/src\/(protocol|utils\/long)/.test(url)) return 'kafkajs protocol decoding';
  if (/node_modules\/kafkajs/.test(url)) return 'kafkajs (network, cluster)';
  if (/node_modules\/undici/.test(url) || /^node:internal\/deps\/undici/.test(url)) return 'HTTP (undici)';
  // The engine process holds one WebAssembly module: the JSON check of each message (engine/src/jsonCheck.ts).
  if (url.startsWith('wasm://')) return 'engine: JSON check (WebAssembly)';
  if (/engine\/src\/streamload/.test(url)) return 'engine: Stream Load client';
  if (/engine\/src\/kafka/.test(url)) return 'engine: Kafka source';
  if (/engine\/src/.test(url)) return 'engine: core (tasks, store, bodies)';
  if (/bench\//.test(url)) return 'bench harness';
  if (/node_modules\/(tsx|esbuild)/.test(url)) return 'tsx loader';
  if (/^node:(internal\/)?(net|stream|_http|http|internal\/http|internal\/streams|internal\/stream_base)/.test(url) || /^node:(internal\/)?(net|stream)/.test(url)) return 'Node net/streams/http';
  if (/^node:/.test(url)) return 'Node internals';
  if (url === '') return 'V8 builtins (native)';
  return 'other';
}

/**
 * The TypeScript line of a position in code tsx compiled (one long line per file): this process compiles the same
 * file the same way, with source maps kept (lib/sourcemaps.ts), and asks Node for the mapping.
 */
function originalLine(url: string, line: number, column: number): number | undefined {
  if (!/\.ts$/.test(url) || !url.startsWith('file://')) return undefined;
  try {
    const path = fileURLToPath(url);
    let map = findSourceMap(path);
    if (!map) {
      createRequire(__filename)(path);
      map = findSourceMap(path);
    }
    const entry = map?.findEntry(line, column) as { originalLine?: number } | undefined;
    return entry?.originalLine !== undefined ? entry.originalLine + 1 : undefined;
  } catch {
    return undefined;
  }
}

/** Self time per function and component; `window` (µs, the profile's clock) keeps only the samples of the run. */
export function summariseProfile(profile: CpuProfile, top = 15, window?: { fromUs: number; toUs: number }): Omit<ProfileResult, 'scenario' | 'run' | 'profileFile'> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const id = profile.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + delta / 1000);
  }
  const byFunction = new Map<string, ProfileEntry>();
  const byComponent = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const comp = component(url, name);
    if (comp === 'idle') {
      idleMs += ms;
      continue;
    }
    byComponent.set(comp, (byComponent.get(comp) ?? 0) + ms);
    const short = url.replace(/^.*?\/(node_modules\/|engine\/|bench\/|sandbox\/|server\/)/, '$1').replace(/^file:\/\//, '');
    const where = url ? `${short}:${originalLine(url, lineNumber, node.callFrame.columnNumber) ?? lineNumber + 1}` : '(native)';
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, component: comp, selfMs: 0, share: 0 };
    entry.selfMs += ms;
    byFunction.set(key, entry);
  }
  const busyMs = totalMs - idleMs;
  const entries = [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top).map((e) => ({ ...e, share: e.selfMs / busyMs }));
  const components = [...byComponent].map(([c, ms]) => ({ component: c, selfMs: ms, share: ms / busyMs })).sort((a, b) => b.selfMs - a.selfMs);
  return { totalMs, idleMs, busyMs, components, top: entries };
}

export async function benchProfile(world: World, sandbox: SandboxChild, o: { topic: string; format: Format; rows: number; properties: Record<string, string>; settings: Record<string, number>; outDir: string }): Promise<ProfileResult> {
  const dir = world.tempDir('prof');
  const { series: _s, stats, ...run } = await runEngine(world, sandbox, {
    topic: o.topic, format: o.format, rows: o.rows, rowBytes: rowBytes(o.format), properties: o.properties, settings: o.settings,
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '500'],
  });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the engine process wrote no CPU profile');
  const text = readFileSync(join(dir, file), 'utf8');
  const kept = join(o.outDir, `engine-${o.format}.cpuprofile`);
  writeFileSync(kept, text);
  return { scenario: `${o.format.toUpperCase()}, ${o.rows.toLocaleString('en-US')} rows, 1 partition`, run, profileFile: kept, ...summariseProfile(JSON.parse(text) as CpuProfile, 15, { fromUs: stats.hrStartUs, toUs: stats.hrNowUs }) };
}
