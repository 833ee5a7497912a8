// What every section shares: the real Kafka broker, a producer, and starting sandboxes and engines in their
// own processes. Everything started here is stopped by close().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { startKafka, createTopic, uniqueTopic, type KafkaBroker } from '../../test/helpers/kafka';
import type { JobEvent, EngineStats } from '../children/engine';
import { Child } from './child';
import { connectProducer, DATABASE_DDL, prefill, type Format } from './data';
import { processCpuSeconds } from './machine';

export type EngineChild = Child<JobEvent>;

export interface FilledTopic {
  topic: string;
  format: Format;
  partitions: number;
  rows: number;
  prefillSeconds: number;
}

export interface SandboxChild {
  child: Child<{ type: string }>;
  feUrl: string;
  beUrl: string;
  pid: number;
}

export class World {
  private readonly dirs: string[] = [];
  private readonly children = new Set<Child<{ type: string }>>();
  private readonly filledTopics = new Map<string, Promise<FilledTopic>>();

  private constructor(readonly kafka: KafkaBroker, readonly producer: Producer) {}

  static async start(): Promise<World> {
    const kafka = await startKafka();
    try {
      const producer = await connectProducer(kafka.bootstrap);
      return new World(kafka, producer);
    } catch (e) {
      await kafka.stop();
      throw e;
    }
  }

  get broker(): string {
    return this.kafka.bootstrap;
  }

  /** CPU seconds the broker's JVM has used so far. */
  brokerCpuSeconds(): number {
    return processCpuSeconds(this.kafka.info.pid) ?? Number.NaN;
  }

  async topic(prefix: string, partitions: number): Promise<string> {
    const name = uniqueTopic(`bench-${prefix}`);
    await createTopic(this.kafka.bootstrap, name, partitions);
    return name;
  }

  /** A topic holding rows [0, rows) of `format` round-robin over its partitions; made once per run and shared. */
  filled(format: Format, partitions: number, rows: number): Promise<FilledTopic> {
    const key = `${format}-${partitions}p-${rows}`;
    let made = this.filledTopics.get(key);
    if (!made) {
      made = (async () => {
        const topic = await this.topic(`${format}-${partitions}p`, partitions);
        const start = performance.now();
        await prefill(this.producer, topic, partitions, format, rows);
        return { topic, format, partitions, rows, prefillSeconds: (performance.now() - start) / 1000 };
      })();
      made.catch(() => this.filledTopics.delete(key));
      this.filledTopics.set(key, made);
    }
    return made;
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `rl-bench-${prefix}-`));
    this.dirs.push(dir);
    return dir;
  }

  track<M extends { type: string }>(child: Child<M>): Child<M> {
    this.children.add(child as unknown as Child<{ type: string }>);
    void child.exited.then(() => this.children.delete(child as unknown as Child<{ type: string }>));
    return child;
  }

  /** @param options.preTouchMB memory for the bodies it keeps, touched before it starts (see the sandbox's preTouched.ts). */
  async sandbox(ddl = '', options: { preTouchMB?: number } = {}): Promise<SandboxChild> {
    // BENCH_SANDBOX_PROFILE=<dir>: a CPU profile of each sandbox process, to see where a load's time goes.
    const profile = process.env.BENCH_SANDBOX_PROFILE;
    const nodeArgs = profile ? ['--cpu-prof', '--cpu-prof-dir', profile, '--cpu-prof-interval', '500'] : [];
    const child = this.track(Child.start<{ type: string }>('sandbox', 'sandbox.ts', { nodeArgs }));
    const info = await child.request<{ feUrl: string; beUrl: string; pid: number }>({ type: 'start', ddl: `${DATABASE_DDL}\n${ddl}`, preTouchMB: options.preTouchMB ?? 0 }, 60_000);
    return { child, ...info };
  }

  /** An engine process with Engine.open on a fresh state directory. */
  async engine(sandbox: SandboxChild, settings: Record<string, number> = {}, nodeArgs: string[] = [], cwd?: string): Promise<EngineChild> {
    // BENCH_ENGINE_NODE_ARGS: more node options for engine processes (e.g. --trace-gc), for exploring.
    const extra = process.env.BENCH_ENGINE_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
    const child = this.track(Child.start<JobEvent>('engine', 'engine.ts', { nodeArgs: [...nodeArgs, ...extra], cwd }));
    await child.request({ type: 'open', stateDir: this.tempDir('state'), feUrl: sandbox.feUrl, beUrl: sandbox.beUrl, settings }, 60_000);
    return child;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.children].map((c) => c.stop(5000)));
    await this.producer.disconnect().catch(() => undefined);
    await this.kafka.stop();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

export async function engineStats(engine: EngineChild): Promise<EngineStats> {
  return engine.request<EngineStats>({ type: 'stats' });
}

/** Resolves with the first job event that satisfies `check`; rejects when the job pauses or stops first. */
export function waitForJob(engine: EngineChild, name: string, check: (e: JobEvent) => boolean, timeoutMs: number): Promise<JobEvent> {
  return engine.waitFor((e) => {
    if (e.type !== 'job' || e.name !== name) return false;
    if (check(e)) return true;
    if (e.state === 'PAUSED' || e.state === 'CANCELLED' || e.state === 'STOPPED') {
      throw new Error(`job ${name} is ${e.state}: ${e.reason || e.otherMsg}`);
    }
    return false;
  }, timeoutMs, `job ${name}`);
}
