// Sections that call the component benchmark modules as they are: the language core (bench/language.ts),
// the language server (bench/lsp.ts), the sandbox's own ingest rate (bench/sandbox.ts) and the I/O adapters
// (bench/io.ts). Loaded lazily, so a missing or broken module makes only its own section unavailable.
import type { LanguageBenchResult } from '../language';
import type { SandboxBenchResult } from '../sandbox';

export interface LanguageSection {
  language: LanguageBenchResult;
  lsp?: unknown;
  lspError?: string;
}

export async function benchLanguageSection(quick: boolean): Promise<LanguageSection> {
  const { benchLanguage } = await import('../language');
  const language = benchLanguage(quick ? { warmup: 3, runs: 5 } : {});
  try {
    const path = '../lsp';
    const mod = (await import(path)) as { benchLsp(o?: { bytes?: number }): Promise<unknown> };
    return { language, lsp: await mod.benchLsp() };
  } catch (error) {
    return { language, lspError: error instanceof Error ? error.message : String(error) };
  }
}

export async function benchSandboxSection(rows: number): Promise<SandboxBenchResult> {
  const { benchSandbox } = await import('../sandbox');
  return benchSandbox(rows, Math.min(100_000, rows / 4));
}

export interface AdaptersSection {
  kafka?: unknown;
  kafkaError?: string;
  streamLoad?: unknown;
  streamLoadError?: string;
}

export async function benchAdaptersSection(bootstrap: string, messages: number): Promise<AdaptersSection> {
  const path = '../io';
  const mod = (await import(path)) as {
    benchKafkaIo(bootstrap: string, messages?: number, valueBytes?: number, partitions?: number): Promise<unknown>;
    benchStreamLoadIo(requests?: number, bodyBytes?: number): Promise<unknown>;
  };
  const out: AdaptersSection = {};
  try {
    out.kafka = await mod.benchKafkaIo(bootstrap, messages, 100, 5);
  } catch (error) {
    out.kafkaError = error instanceof Error ? error.message : String(error);
  }
  try {
    out.streamLoad = await mod.benchStreamLoadIo(50, 1024 * 1024);
  } catch (error) {
    out.streamLoadError = error instanceof Error ? error.message : String(error);
  }
  return out;
}
