// A private Kafka broker that can be SIGKILLed and started again on the same ports and data: the shared test
// broker (test/helpers/kafka.ts) starts fresh every time, which a "broker killed mid-load" test cannot use.
// It is started by scripts/kafka/broker.mjs and restarted here with the same command line the script uses.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaBroker } from '../../helpers/kafka';
import { until } from './wait';

const brokerScript = () => import('../../../scripts/kafka/broker.mjs');

export interface RestartableBroker extends KafkaBroker {
  /** SIGKILL the broker's process group; resolves when it is gone. */
  kill(): Promise<void>;
  /** Start it again on the same ports and data directory; resolves when it serves. */
  restart(): Promise<void>;
  readonly running: boolean;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tcpReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => { s.destroy(); resolve(ok); };
    s.setTimeout(2000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export async function startRestartableBroker(): Promise<RestartableBroker> {
  const { start, tieToThisProcess, checkJava, libsDir } = await brokerScript();
  const dir = mkdtempSync(join(tmpdir(), 'rl-reliability-kafka-'));
  let tie: { release(): void } | undefined;
  const info = await start({ dir, onSpawn: (pid: number) => { tie?.release(); tie = tieToThisProcess(pid, dir); } });
  let pid = info.pid as number;
  let running = true;
  const port = Number(String(info.bootstrap).split(':')[1]);

  const killGroup = (signal: NodeJS.Signals) => {
    try { process.kill(-pid, signal); } catch { try { process.kill(pid, signal); } catch { /* gone */ } }
  };

  const broker: RestartableBroker = {
    bootstrap: info.bootstrap,
    ssl: { ...info.ssl },
    sasl: { bootstrap: info.sasl.bootstrap, plain: { ...info.sasl.plain }, scram: { ...info.sasl.scram } },
    info,
    external: false,
    get running() { return running; },
    async kill() {
      killGroup('SIGKILL');
      await until(() => !alive(pid), 15_000, `the broker (pid ${pid}) to die`);
      running = false;
    },
    async restart() {
      if (running) throw new Error('the broker is running');
      const java = checkJava();
      const logFile = join(dir, 'broker.log');
      const from = statSync(logFile).size;
      const out = openSync(logFile, 'a');
      const child = spawn(java, [
        '-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
        `-Dkafka.logs.dir=${join(dir, 'logs')}`, `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
        '-cp', `${libsDir()}/*`, 'kafka.Kafka', join(dir, 'server.properties'),
      ], { cwd: dir, detached: true, stdio: ['ignore', out, out] });
      closeSync(out);
      child.unref();
      pid = child.pid as number;
      tie?.release();
      tie = tieToThisProcess(pid, dir);
      await until(async () => {
        if (!alive(pid)) throw new Error(`the restarted broker exited; see ${logFile}`);
        return readFileSync(logFile, 'utf8').slice(from).includes('Kafka Server started') && (await tcpReady(port));
      }, 120_000, 'the restarted broker to serve', undefined, 200);
      running = true;
    },
    async stop() {
      killGroup('SIGKILL');
      await until(() => !alive(pid), 15_000, `the broker (pid ${pid}) to die`).catch(() => undefined);
      running = false;
      tie?.release();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return broker;
}
