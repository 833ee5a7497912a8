#!/usr/bin/env node
// A real Apache Kafka broker (KRaft) for tests and the demo, from Maven Central jars. See `node scripts/kafka.mjs help`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KAFKA_VERSION, KafkaScriptError, brokerJsonPath, defaultStateDir, install, libsDir, start, status, stop, tieToThisProcess,
} from './kafka/broker.mjs';

const HELP = `Usage: node scripts/kafka.mjs <command> [options]   (or: npm run kafka -- <command>)

Commands:
  install              Download Apache Kafka ${KAFKA_VERSION} jars from Maven Central (once) into
                       ${libsDir()}
  start [--dir D]      Start a fresh single-node broker (KRaft) on free loopback ports and wait until it serves.
                       Prints the PLAINTEXT bootstrap address (127.0.0.1:PORT) alone on a line; writes D/broker.json
                       with every listener (PLAINTEXT, SSL, SASL_PLAINTEXT), the PEM files, users and passwords.
        [--timeout S]  Give up after S seconds (default 90, or env ROUTINE_LOAD_KAFKA_START_TIMEOUT).
  stop [--dir D]       Stop the broker of D and wait until it exited.  [--force] skips the clean shutdown.
  status [--dir D]     Say whether a broker of D runs, and where. Exit code 0 if it runs, 1 if not.
  with [--dir D] -- CMD [ARGS...]
                       Start a broker in a new temporary folder (or D), run CMD with ROUTINE_LOAD_KAFKA set to its
                       broker.json (test/helpers/kafka.ts then shares it), stop the broker, exit with CMD's code.

D defaults to ${defaultStateDir()}.
Environment: ROUTINE_LOAD_CACHE (cache root, default ~/.cache/routine-load), JAVA_HOME (Java 17+).
Needs Java 17+, Maven (install only) and openssl (start only).`;

function parse(argv) {
  const opts = { dir: undefined, timeout: undefined, force: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { opts.rest = argv.slice(i + 1); break; }
    if (a === '--dir' || a === '--timeout') {
      const v = argv[++i];
      if (v === undefined) throw new KafkaScriptError(`${a} needs a value.`);
      if (a === '--dir') opts.dir = v;
      else {
        opts.timeout = Number(v);
        if (!(opts.timeout > 0)) throw new KafkaScriptError(`--timeout takes a number of seconds, not "${v}".`);
      }
    } else if (a === '--force') opts.force = true;
    else throw new KafkaScriptError(`Unknown option "${a}". Run "node scripts/kafka.mjs help".`);
  }
  return opts;
}

// Ctrl-C while waiting for the broker must not leave a half-started broker behind.
function killOnInterrupt(pid) {
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.removeAllListeners(sig);
    process.once(sig, () => {
      try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
      console.error(`kafka: interrupted; stopped the half-started broker (pid ${pid}).`);
      process.exit(130);
    });
  }
}

const say = (m) => console.error(m); // Progress goes to stderr so stdout carries only the bootstrap address.

function describe(info) {
  return [
    `Kafka ${info.kafkaVersion} broker running (pid ${info.pid}), state in ${info.dir}`,
    `  PLAINTEXT       ${info.listeners.PLAINTEXT}`,
    `  SSL             ${info.listeners.SSL}   (CA ${info.ssl.ca}, client auth requested)`,
    `  SASL_PLAINTEXT  ${info.listeners.SASL_PLAINTEXT}   (PLAIN user ${info.sasl.plain.username}, SCRAM-SHA-256 user ${info.sasl.scram.username}; passwords in broker.json)`,
    `  details         ${brokerJsonPath(info.dir)}`,
    `  log             ${info.logFile}`,
  ].join('\n');
}

async function main() {
  const [command = 'help', ...args] = process.argv.slice(2);
  const opts = parse(args);
  const dir = opts.dir ?? defaultStateDir();
  switch (command) {
    case 'install': {
      const r = install({ log: say });
      say(r.cached
        ? `Kafka ${r.version} jars already installed (${r.jars} jars in ${r.libs}).`
        : `Installed Kafka ${r.version}: ${r.jars} jars in ${r.libs} (${(r.ms / 1000).toFixed(1)} s).`);
      return 0;
    }
    case 'start': {
      const info = await start({ dir, timeoutMs: opts.timeout ? opts.timeout * 1000 : undefined, log: say, onSpawn: killOnInterrupt });
      say(info.alreadyRunning ? `Already running.\n${describe(info)}` : `${describe(info)}\n  started in      ${(info.startupMs / 1000).toFixed(1)} s`);
      console.log(info.bootstrap);
      return 0;
    }
    case 'stop': {
      const stopped = await stop({ dir, force: opts.force });
      say(stopped ? `Stopped the broker of ${dir}.` : `No broker was running in ${dir}.`);
      return 0;
    }
    case 'status': {
      const info = status(dir);
      if (info) { console.log(describe(info)); return 0; }
      console.log(`No broker is running in ${dir}.`);
      return 1;
    }
    case 'with': {
      if (opts.rest.length === 0) throw new KafkaScriptError('"with" needs a command after "--", e.g. with -- node scripts/test.mjs integration');
      const ownDir = opts.dir ?? mkdtempSync(join(tmpdir(), 'routine-load-kafka-'));
      let tie = { release() {} };
      // If this process is killed outright, the watchdog still stops the broker (and removes the temporary folder).
      const guard = (pid) => {
        killOnInterrupt(pid);
        tie.release();
        tie = tieToThisProcess(pid, opts.dir ? undefined : ownDir);
      };
      const info = await start({ dir: ownDir, timeoutMs: opts.timeout ? opts.timeout * 1000 : undefined, log: say, onSpawn: guard });
      say(describe(info));
      for (const sig of ['SIGINT', 'SIGTERM']) process.removeAllListeners(sig);
      let stopping = false;
      const cleanup = async () => {
        if (stopping) return;
        stopping = true;
        await stop({ dir: ownDir, force: true });
        tie.release();
        if (!opts.dir) rmSync(ownDir, { recursive: true, force: true });
      };
      const child = spawn(opts.rest[0], opts.rest.slice(1), {
        stdio: 'inherit', env: { ...process.env, ROUTINE_LOAD_KAFKA: brokerJsonPath(ownDir) },
      });
      for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
      const code = await new Promise((res) => {
        child.once('exit', (c, s) => res(c ?? 128 + (constants.signals[s] ?? 1)));
        child.once('error', (e) => { say(`Could not run "${opts.rest[0]}": ${e.message}`); res(127); });
      });
      await cleanup();
      return code;
    }
    case 'help': case '--help': case '-h':
      console.log(HELP);
      return 0;
    default:
      throw new KafkaScriptError(`Unknown command "${command}". Run "node scripts/kafka.mjs help".`);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof KafkaScriptError) console.error(`kafka: ${err.message}`);
    else console.error(`kafka: unexpected failure: ${err?.message ?? err}`);
    process.exit(1);
  },
);
