// Types of broker.mjs, for the TypeScript tests that import it.

export const KAFKA_VERSION: string;

export class KafkaScriptError extends Error {
  details?: unknown;
}

/** The content of broker.json, written by start() into the broker's state folder. */
export interface BrokerInfo {
  kafkaVersion: string;
  pid: number;
  dir: string;
  logFile: string;
  startedAt: string;
  startupMs: number;
  /** PLAINTEXT listener, "127.0.0.1:PORT". */
  bootstrap: string;
  listeners: { PLAINTEXT: string; SSL: string; SASL_PLAINTEXT: string; CONTROLLER: string };
  /** SSL listener; ca, cert, key and encryptedKey are PEM file paths. Client auth is "requested". */
  ssl: { bootstrap: string; ca: string; cert: string; key: string; encryptedKey: string; keyPassword: string };
  /** SASL_PLAINTEXT listener with PLAIN and SCRAM-SHA-256 users. */
  sasl: {
    bootstrap: string;
    mechanisms: string[];
    plain: { mechanism: 'plain'; username: string; password: string };
    scram: { mechanism: 'scram-sha-256'; username: string; password: string };
  };
  alreadyRunning?: boolean;
}

export function cacheRoot(): string;
export function kafkaHome(version?: string): string;
export function libsDir(version?: string): string;
export function defaultStateDir(): string;
export function checkJava(): string;
export function install(opts?: { version?: string; log?: (line: string) => void }): {
  libs: string;
  version: string;
  cached: boolean;
  jars: number;
  ms: number;
};
export function brokerJsonPath(dir?: string): string;
export function status(dir?: string): BrokerInfo | null;
export function start(opts?: {
  dir?: string;
  timeoutMs?: number;
  log?: (line: string) => void;
  /** Called with the pid of each Java process spawned, before waiting for it to be ready. */
  onSpawn?: (pid: number) => void;
}): Promise<BrokerInfo>;
export function stop(opts?: { dir?: string; graceMs?: number; force?: boolean }): Promise<boolean>;
export function tieToThisProcess(pid: number, removeDir?: string): { release(): void };
