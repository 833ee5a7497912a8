// Child processes of the suite: each engine, sandbox and consumer runs in its own Node process (its own
// event loop, its own core when one is free), started with tsx and spoken to over the IPC channel.
// Every child is registered so an interrupted suite leaves nothing behind.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';

export interface Reply {
  type: 'reply';
  id: number;
  ok: boolean;
  error?: string;
  data?: unknown;
}

const running = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

export class Child<Msg extends { type: string }> {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(r: Reply): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  private readonly listeners = new Set<(m: Msg) => void>();
  readonly exited: Promise<number | null>;
  private stderr = '';

  private constructor(readonly name: string, readonly proc: ChildProcess) {
    running.add(proc);
    this.exited = new Promise((resolve) => proc.once('exit', (code) => {
      running.delete(proc);
      const error = new Error(`${name} exited (code ${code})${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-5).join(' | ')}` : ''}`);
      for (const [id, w] of this.waiting) {
        clearTimeout(w.timer);
        this.waiting.delete(id);
        w.reject(error);
      }
      resolve(code);
    }));
    proc.on('message', (raw) => {
      const m = raw as Msg | Reply;
      if (m.type === 'reply') {
        const r = m as Reply;
        const w = this.waiting.get(r.id);
        if (w) {
          this.waiting.delete(r.id);
          clearTimeout(w.timer);
          w.resolve(r);
        }
        return;
      }
      for (const l of this.listeners) l(m as Msg);
    });
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-8000);
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${chunk}`);
    });
    proc.stdout?.on('data', (chunk: Buffer) => {
      if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${chunk.toString('utf8')}`);
    });
  }

  /** Starts bench/children/<file> under tsx; `nodeArgs` go before it (e.g. --cpu-prof). */
  static start<M extends { type: string }>(name: string, file: string, options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Child<M> {
    hookExit();
    const proc = fork(join(__dirname, '..', 'children', file), [], {
      execArgv: ['--import', 'tsx', ...(options.nodeArgs ?? [])],
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new Child<M>(name, proc);
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  on(listener: (m: Msg) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends a command and waits for its reply; a failed reply rejects with the child's message. */
  async request<T = unknown>(command: Record<string, unknown> & { type: string }, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    const reply = await new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.name} did not answer "${command.type}" within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      this.proc.send({ ...command, id });
    });
    if (!reply.ok) throw new Error(reply.error ?? `${this.name}: ${command.type} failed`);
    return reply.data as T;
  }

  /** Waits for the first message that matches; a match function that throws rejects with its error. */
  waitFor(match: (m: Msg) => boolean, timeoutMs: number, what: string): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`));
      }, timeoutMs);
      const off = this.on((m) => {
        let matched: boolean;
        try {
          matched = match(m);
        } catch (error) {
          clearTimeout(timer);
          off();
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        if (matched) {
          clearTimeout(timer);
          off();
          resolve(m);
        }
      });
      void this.exited.then(() => {
        clearTimeout(timer);
        off();
        reject(new Error(`${this.name} exited while waiting for ${what}${this.stderr ? `: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`));
      });
    });
  }

  /** Asks the child to close, then ends it if it does not within `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    try {
      await this.request({ type: 'close' }, graceMs);
    } catch {
      // it may exit before replying
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Helpers for the child side. */
export function serve(handler: (command: Record<string, unknown> & { type: string; id: number }) => Promise<unknown>): void {
  process.on('message', (raw) => {
    const command = raw as Record<string, unknown> & { type: string; id: number };
    handler(command).then(
      (data) => process.send?.({ type: 'reply', id: command.id, ok: true, data }),
      (error: unknown) => process.send?.({ type: 'reply', id: command.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The parent went away: do not linger.
  process.on('disconnect', () => process.exit(0));
}

/**
 * Peak RSS and heap, resettable (process.resourceUsage().maxRSS cannot be). Linux keeps the peak RSS itself
 * (VmHWM) and resets it when "5" is written to /proc/self/clear_refs: read once at the end, it costs the run
 * nothing. Sampling RSS instead reads /proc under the memory-map lock, which waits while another thread maps or
 * frees a large buffer: every 20 ms that took 5 % of a JSON run's main thread. Elsewhere RSS is sampled.
 */
export class MemorySampler {
  private sampledRss = 0;
  peakHeap = 0;
  private readonly kernelPeak: boolean;
  private readonly timer: NodeJS.Timeout;
  constructor(intervalMs = 20) {
    this.kernelPeak = resetKernelPeak();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.kernelPeak ? intervalMs * 5 : intervalMs);
    this.timer.unref();
  }

  get peakRss(): number {
    if (this.kernelPeak) return Math.max(kernelPeakRss() ?? 0, this.sampledRss);
    return this.sampledRss;
  }

  sample(): void {
    if (!this.kernelPeak) {
      const rss = process.memoryUsage.rss();
      if (rss > this.sampledRss) this.sampledRss = rss;
    }
    const heap = getHeapStatistics().used_heap_size;
    if (heap > this.peakHeap) this.peakHeap = heap;
  }

  reset(): void {
    this.sampledRss = 0;
    this.peakHeap = 0;
    if (this.kernelPeak) resetKernelPeak();
    this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

function resetKernelPeak(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return kernelPeakRss() !== undefined;
  } catch {
    return false;
  }
}

/** VmHWM in bytes. */
function kernelPeakRss(): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
