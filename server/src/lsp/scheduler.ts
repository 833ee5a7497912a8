// Debounced push diagnostics. Each edit restarts its document's timer; when it fires the
// diagnostics are computed for the version current at that moment and published with that
// version only if the document has not moved on, so the client never sees stale results.
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';

export interface SchedulerHooks {
  delay(): number;
  document(uri: string): TextDocument | undefined;
  compute(document: TextDocument): Diagnostic[];
  /** Work that can be done before the debounce ends (parsing), so fresh diagnostics come sooner after it. */
  prepare?(document: TextDocument): void;
  publish(uri: string, version: number, diagnostics: Diagnostic[]): void;
  log(message: string, error?: unknown): void;
}

/** Documents other than the edited one are refreshed this many times later: they change less. */
const OTHERS_FACTOR = 4;

export class DiagnosticsScheduler {
  private timers = new Map<string, { timer: NodeJS.Timeout; due: number; early?: NodeJS.Timeout }>();

  constructor(private readonly hooks: SchedulerHooks) {}

  schedule(uri: string, delay = this.hooks.delay()): void {
    this.cancel(uri);
    const timer = setTimeout(() => {
      this.timers.delete(uri);
      this.run(uri);
    }, delay);
    // Halfway through a pause in typing, parse; when the pause is long enough, only analysis is left.
    const early = this.hooks.prepare && delay >= 20 ? setTimeout(() => this.prepare(uri), delay / 2) : undefined;
    this.timers.set(uri, { timer, due: Date.now() + delay, early });
  }

  /** Refresh every document but `uri`, unless one is already due sooner. */
  scheduleOthers(uri: string, documents: readonly TextDocument[]): void {
    const delay = this.hooks.delay() * OTHERS_FACTOR;
    for (const d of documents) {
      if (d.uri === uri) continue;
      const pending = this.timers.get(d.uri);
      if (pending && pending.due <= Date.now() + delay) continue;
      this.schedule(d.uri, delay);
    }
  }

  scheduleAll(documents: readonly TextDocument[]): void {
    for (const d of documents) this.schedule(d.uri);
  }

  cancel(uri: string): void {
    const pending = this.timers.get(uri);
    if (pending) {
      clearTimeout(pending.timer);
      if (pending.early) clearTimeout(pending.early);
    }
    this.timers.delete(uri);
  }

  dispose(): void {
    for (const { timer, early } of this.timers.values()) {
      clearTimeout(timer);
      if (early) clearTimeout(early);
    }
    this.timers.clear();
  }

  private prepare(uri: string): void {
    const document = this.hooks.document(uri);
    if (!document) return;
    try {
      this.hooks.prepare?.(document);
    } catch (error) {
      this.hooks.log(`preparing ${uri} failed`, error);
    }
  }

  private run(uri: string): void {
    const document = this.hooks.document(uri);
    if (!document) return;
    const version = document.version;
    let diagnostics: Diagnostic[];
    try {
      diagnostics = this.hooks.compute(document);
    } catch (error) {
      this.hooks.log(`diagnostics of ${uri} failed`, error);
      return;
    }
    const now = this.hooks.document(uri);
    if (!now || now.version !== version) return; // a newer version has its own timer
    this.hooks.publish(uri, version, diagnostics);
  }
}
