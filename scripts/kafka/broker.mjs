// A real Apache Kafka broker (KRaft, one combined broker+controller) run from Maven Central jars.
// Shared by scripts/kafka.mjs (the command line) and test/helpers/kafka.ts (the tests); node built-ins only.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, renameSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Newest 3.9.x on Maven Central when this was written; 3.9 is the last line with static KRaft voters and reload4j. */
export const KAFKA_VERSION = process.env.ROUTINE_LOAD_KAFKA_VERSION || '3.9.2';
const SCALA = '2.13';
// The release tarball's logging binding; reload4j pinned to the tarball's version (Maven mediation would pick an older one).
const LOGGING = ['org.slf4j:slf4j-reload4j:1.7.36', 'ch.qos.reload4j:reload4j:1.2.25'];
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const READY_LINE = 'Kafka Server started';
// Start-up takes ~5 s on an idle 2-core machine and ~25 s under heavy load; env ROUTINE_LOAD_KAFKA_START_TIMEOUT (s) overrides.
const DEFAULT_START_TIMEOUT_MS = (Number(process.env.ROUTINE_LOAD_KAFKA_START_TIMEOUT) || 90) * 1000;

/** An error meant for a person: its message says what failed, where, and how to fix it. No stack trace is shown. */
export class KafkaScriptError extends Error {
  constructor(message, details) {
    super(message);
    this.name = 'KafkaScriptError';
    this.details = details;
  }
}

export function cacheRoot() {
  return resolve(process.env.ROUTINE_LOAD_CACHE || join(homedir(), '.cache', 'routine-load'));
}

export function kafkaHome(version = KAFKA_VERSION) {
  return join(cacheRoot(), `kafka-${version}`);
}

export function libsDir(version = KAFKA_VERSION) {
  return join(kafkaHome(version), 'libs');
}

export function defaultStateDir() {
  return join(cacheRoot(), 'broker');
}

// ---------------------------------------------------------------------------------------------------------------
// Prerequisites

function javaCommand() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Java 17+ runs the broker; it must be there before anything else is tried. */
export function checkJava() {
  const java = javaCommand();
  const r = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new KafkaScriptError(
      `Java was not found (tried "${java}"). The Kafka broker needs Java 17 or newer: install it ` +
        '(Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME to a JDK 17+.',
    );
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : NaN;
  if (!(major >= 17)) {
    throw new KafkaScriptError(
      `"${java}" is Java ${Number.isNaN(major) ? '(unknown version)' : major}; the Kafka broker needs Java 17 or newer. ` +
        'Install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) or set JAVA_HOME to a JDK 17+.',
    );
  }
  return java;
}

function checkMaven() {
  const r = spawnSync('mvn', ['-v'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    throw new KafkaScriptError(
      'Maven ("mvn") was not found on PATH. It downloads the Kafka jars from Maven Central once: ' +
        'install it (Debian/Ubuntu: apt-get install maven) and run "node scripts/kafka.mjs install" again.',
    );
  }
}

function checkOpenssl() {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new KafkaScriptError(
      'openssl was not found on PATH. It makes the test certificates for the SSL listener: ' +
        'install it (Debian/Ubuntu: apt-get install openssl).',
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// install

function installedJars(version) {
  const libs = libsDir(version);
  const marker = join(kafkaHome(version), 'installed.json');
  if (!existsSync(marker) || !existsSync(libs)) return null;
  try {
    const { jars } = JSON.parse(readFileSync(marker, 'utf8'));
    // A jar deleted by hand makes the cache incomplete: download again rather than fail at start-up.
    if (Array.isArray(jars) && jars.length > 0 && jars.every((j) => existsSync(join(libs, j)))) return jars;
  } catch {
    // A broken marker means "not installed".
  }
  return null;
}

function pomXml(version) {
  const dep = (g, a, v) => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by scripts/kafka.mjs: the broker's runtime classpath (kafka_${SCALA} runtime scope plus a logging binding). -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>routine-load.local</groupId>
  <artifactId>kafka-broker-libs</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${dep('org.apache.kafka', `kafka_${SCALA}`, version)}
${LOGGING.map((c) => dep(...c.split(':'))).join('\n')}
  </dependencies>
</project>
`;
}

/**
 * Downloads the broker's jars into the cache (outside the repository) once; later calls only check the cache.
 * @returns {{ libs: string, version: string, cached: boolean, jars: number, ms: number }}
 */
export function install({ version = KAFKA_VERSION, log = () => {} } = {}) {
  const t0 = Date.now();
  checkJava();
  const cached = installedJars(version);
  if (cached) return { libs: libsDir(version), version, cached: true, jars: cached.length, ms: Date.now() - t0 };

  checkMaven();
  const home = kafkaHome(version);
  mkdirSync(home, { recursive: true });
  const pom = join(home, 'pom.xml');
  writeFileSync(pom, pomXml(version));
  const staging = join(home, `libs.tmp-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  log(`Downloading Apache Kafka ${version} jars from Maven Central into ${libsDir(version)} (once) ...`);
  const r = spawnSync(
    'mvn',
    ['-B', '-q', '-f', pom, `${DEPENDENCY_PLUGIN}:copy-dependencies`, '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
    { encoding: 'utf8', timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  if (r.error || r.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    const out = tail(`${r.stdout ?? ''}${r.stderr ?? ''}`, 30);
    throw new KafkaScriptError(
      `Maven could not download org.apache.kafka:kafka_${SCALA}:${version} (pom: ${pom}). ` +
        'Check that Maven Central is reachable (proxy settings in ~/.m2/settings.xml) and run "node scripts/kafka.mjs install" again.' +
        (r.error ? `\n${r.error.message}` : '') + (out ? `\nLast lines of Maven's output:\n${out}` : ''),
    );
  }
  const jars = readdirSync(staging).filter((f) => f.endsWith('.jar')).sort();
  if (!jars.some((j) => j.startsWith(`kafka_${SCALA}-`)) || !jars.some((j) => j.startsWith('slf4j-reload4j-'))) {
    throw new KafkaScriptError(`Maven finished but ${staging} lacks the Kafka or logging jars; delete ${home} and run install again.`);
  }
  // Swap in the complete folder only at the end, so an interrupted download never looks installed.
  rmSync(libsDir(version), { recursive: true, force: true });
  try {
    renameSync(staging, libsDir(version));
  } catch (e) {
    // Another process installed the same version meanwhile: keep its copy.
    rmSync(staging, { recursive: true, force: true });
    const theirs = installedJars(version);
    if (theirs) return { libs: libsDir(version), version, cached: true, jars: theirs.length, ms: Date.now() - t0 };
    throw new KafkaScriptError(`Could not move the Kafka jars into ${libsDir(version)}: ${e.message}. Delete ${home} and run install again.`);
  }
  writeFileSync(join(home, 'installed.json'), JSON.stringify({ version, jars, installedAt: new Date().toISOString() }, null, 2));
  return { libs: libsDir(version), version, cached: false, jars: jars.length, ms: Date.now() - t0 };
}

// ---------------------------------------------------------------------------------------------------------------
// Certificates

function openssl(args, cwd) {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    throw new KafkaScriptError(`openssl ${args[0]} failed in ${cwd}: ${(r.stderr || r.error?.message || '').trim()}`);
  }
}

/** A CA, a broker certificate for 127.0.0.1/localhost, and a client certificate, all PEM. */
function makePki(dir) {
  checkOpenssl();
  const pki = join(dir, 'pki');
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  const days = '3650';
  const brokerKeyPassword = randomBytes(12).toString('hex');
  const clientKeyPassword = randomBytes(12).toString('hex');
  writeFileSync(join(pki, 'broker.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  writeFileSync(join(pki, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', days,
    '-subj', '/CN=Routine Load test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], pki);
  for (const [name, cn] of [['broker', 'localhost'], ['client', 'routine-load-client']]) {
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], pki);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-set_serial',
      `0x${randomBytes(8).toString('hex')}`, '-days', days, '-out', `${name}-cert.pem`, '-extfile', `${name}.ext`], pki);
  }
  // The broker's PEM key store file holds an encrypted PKCS#8 key followed by its chain (Kafka wants a key password for it).
  // PBE-SHA1-3DES because Java 17 has no "PBES2" SecretKeyFactory, which Kafka's PEM loader asks for with AES keys.
  openssl(['pkcs8', '-topk8', '-v1', 'PBE-SHA1-3DES', '-in', 'broker-key.pem', '-out', 'broker-key.enc.pem',
    '-passout', `pass:${brokerKeyPassword}`], pki);
  writeFileSync(join(pki, 'broker-keystore.pem'),
    readFileSync(join(pki, 'broker-key.enc.pem'), 'utf8') + readFileSync(join(pki, 'broker-cert.pem'), 'utf8'), { mode: 0o600 });
  // Clients get the same key twice: plain PKCS#8, and encrypted with a password (to test passphrase handling).
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', 'client-key.pem', '-out', 'client-key.pk8.pem'], pki);
  renameSync(join(pki, 'client-key.pk8.pem'), join(pki, 'client-key.pem'));
  openssl(['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'client-key.pem', '-out', 'client-key.enc.pem',
    '-passout', `pass:${clientKeyPassword}`], pki);
  for (const f of ['broker.csr', 'client.csr', 'broker.ext', 'client.ext', 'broker-key.pem', 'broker-key.enc.pem']) {
    rmSync(join(pki, f), { force: true });
  }
  return {
    ca: join(pki, 'ca.pem'),
    brokerKeystore: join(pki, 'broker-keystore.pem'),
    brokerKeyPassword,
    cert: join(pki, 'client-cert.pem'),
    key: join(pki, 'client-key.pem'),
    encryptedKey: join(pki, 'client-key.enc.pem'),
    keyPassword: clientKeyPassword,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Broker state

function freePorts(n) {
  // Hold all listening sockets until every port is known, so the n ports differ.
  return new Promise((resolvePorts, reject) => {
    const servers = [];
    const ports = [];
    const next = () => {
      if (ports.length === n) {
        let closed = 0;
        for (const s of servers) s.close(() => { if (++closed === n) resolvePorts(ports); });
        return;
      }
      const s = createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        servers.push(s);
        ports.push(s.address().port);
        next();
      });
    };
    next();
  });
}

// Stack frames say nothing to the person reading the error: keep messages and "Caused by" lines only.
const isFrame = (l) => /^\s+at |^\s+\.\.\. \d+ more/.test(l);

function tail(text, lines) {
  return text.split('\n').filter((l) => l.trim() !== '' && !isFrame(l)).slice(-lines).join('\n');
}

/** The first ERROR/FATAL entries of a broker log with their causes, to put the reason before the shutdown noise. */
function errorLines(text, max = 12) {
  const out = [];
  const all = text.split('\n');
  for (let i = 0; i < all.length && out.length < max; i++) {
    if (!/\] (ERROR|FATAL) /.test(all[i])) continue;
    out.push(all[i]);
    for (let j = i + 1; j < all.length && !all[j].startsWith('[') && out.length < max; j++) {
      if (!isFrame(all[j]) && all[j].trim() !== '') out.push(all[j]);
    }
  }
  return out.join('\n');
}

function tailFile(path, lines = 30) {
  try {
    const size = statSync(path).size;
    const fd = openSync(path, 'r');
    try {
      const len = Math.min(size, 256 * 1024);
      const buf = Buffer.alloc(len);
      readAt(fd, buf, size - len);
      return tail(buf.toString('utf8'), lines);
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

function readAt(fd, buf, position) {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (n === 0) break;
    off += n;
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  // A killed broker whose parent is gone stays a zombie until something reaps it: that counts as exited.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // No /proc (macOS): kill(0) is all there is.
  }
}

/** True when pid is still the broker started for `dir` (guards against a reused pid after a reboot or crash). */
function isOurBroker(pid, dir) {
  if (!pid || !isAlive(pid)) return false;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('kafka.Kafka') && cmd.includes(join(dir, 'server.properties'));
  } catch {
    return true; // No /proc (macOS): trust the pid.
  }
}

export function brokerJsonPath(dir = defaultStateDir()) {
  return join(resolve(dir), 'broker.json');
}

/** The broker.json of a running broker in `dir`, or null when none runs there. */
export function status(dir = defaultStateDir()) {
  dir = resolve(dir);
  const file = brokerJsonPath(dir);
  if (!existsSync(file)) return null;
  let info;
  try {
    info = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  return isOurBroker(info.pid, dir) ? info : null;
}

function properties(dir, ports, pki, users) {
  const [plain, ssl, sasl, controller] = ports;
  const jaasPlain = 'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
    `user_${users.plain.username}="${users.plain.password}";`;
  const lines = [
    '# Generated by scripts/kafka.mjs for a single-node test broker; regenerated on every start.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controller}`,
    `listeners=PLAINTEXT://127.0.0.1:${plain},SSL://127.0.0.1:${ssl},SASL_PLAINTEXT://127.0.0.1:${sasl},CONTROLLER://127.0.0.1:${controller}`,
    // The controller listener must stay out of advertised.listeners (3.8+ rejects it otherwise).
    `advertised.listeners=PLAINTEXT://127.0.0.1:${plain},SSL://127.0.0.1:${ssl},SASL_PLAINTEXT://127.0.0.1:${sasl}`,
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    `log.dirs=${join(dir, 'data')}`,
    // One node, fast start: no replication, one coordinator partition, no rebalance delay, few threads (2 cores).
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
    'num.recovery.threads.per.data.dir=1',
    'log.retention.hours=24',
    'auto.create.topics.enable=true',
    // SSL: PEM key store and trust store files, no keytool. "requested": clients with or without a certificate connect.
    'listener.name.ssl.ssl.keystore.type=PEM',
    `listener.name.ssl.ssl.keystore.location=${pki.brokerKeystore}`,
    `listener.name.ssl.ssl.key.password=${pki.brokerKeyPassword}`,
    'listener.name.ssl.ssl.truststore.type=PEM',
    `listener.name.ssl.ssl.truststore.location=${pki.ca}`,
    'listener.name.ssl.ssl.client.auth=requested',
    // SASL: PLAIN users inline; SCRAM users live in the metadata log, seeded by "format --add-scram".
    'listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256',
    `listener.name.sasl_plaintext.plain.sasl.jaas.config=${jaasPlain}`,
    'listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
  ];
  // Properties files treat backslashes as escapes; none of the paths here should have one, but keep them literal.
  return lines.map((l) => l.replace(/\\/g, '\\\\')).join('\n') + '\n';
}

const LOG4J = `# Generated by scripts/kafka.mjs: everything to stdout, which the script sends to broker.log.
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.storage.internals.log=WARN
log4j.logger.kafka.log=WARN
log4j.logger.org.apache.zookeeper=WARN
`;

const LOG4J_QUIET = 'log4j.rootLogger=WARN, stderr\nlog4j.appender.stderr=org.apache.log4j.ConsoleAppender\n' +
  'log4j.appender.stderr.Target=System.err\nlog4j.appender.stderr.layout=org.apache.log4j.PatternLayout\n' +
  'log4j.appender.stderr.layout.ConversionPattern=%p %m%n\n';

function jvmArgs(dir, libs, log4jFile) {
  return [
    '-Xms128m', '-Xmx512m',
    // Small heap on 2 shared cores: a serial collector has fewer threads and is enough here.
    '-XX:+UseSerialGC', '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${join(dir, 'logs')}`,
    `-Dlog4j.configuration=file:${log4jFile}`,
    '-cp', `${libs}/*`,
  ];
}

function tcpReady(port) {
  return new Promise((resolveReady) => {
    const s = connect({ host: '127.0.0.1', port });
    const done = (ok) => { s.destroy(); resolveReady(ok); };
    s.setTimeout(2000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/**
 * Starts one combined broker+controller with an empty data folder in `dir` and waits until it serves.
 * When a broker of `dir` already runs, returns its broker.json unchanged.
 * `onSpawn(pid)` is called for each Java process spawned (a port clash retries with a new one).
 * @returns {Promise<object>} the broker.json content
 */
export async function start({
  dir = defaultStateDir(), timeoutMs = DEFAULT_START_TIMEOUT_MS, log = () => {}, onSpawn = () => {},
} = {}) {
  dir = resolve(dir);
  const running = status(dir);
  if (running) {
    log(`A broker already runs in ${dir} (pid ${running.pid}).`);
    return { ...running, alreadyRunning: true };
  }
  const t0 = Date.now();
  const java = checkJava();
  const { libs } = install({ log });

  // Every start is a fresh broker: old data, certificates and passwords go.
  for (const f of ['data', 'pki', 'logs', 'broker.json', 'broker.log', 'server.properties']) rmSync(join(dir, f), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pki = makePki(dir);
  const users = {
    plain: { username: 'plain-user', password: randomBytes(12).toString('hex') },
    scram: { username: 'scram-user', password: randomBytes(12).toString('hex') },
  };
  const log4jFile = join(dir, 'log4j.properties');
  const log4jQuiet = join(dir, 'log4j-tools.properties');
  writeFileSync(log4jFile, LOG4J);
  writeFileSync(log4jQuiet, LOG4J_QUIET);

  // A port taken between probing and binding (another process on the machine) only costs a retry.
  for (let attempt = 1; ; attempt++) {
    const ports = await freePorts(4);
    const propsFile = join(dir, 'server.properties');
    writeFileSync(propsFile, properties(dir, ports, pki, users), { mode: 0o600 });
    rmSync(join(dir, 'data'), { recursive: true, force: true });
    format(java, dir, libs, log4jQuiet, propsFile, users);

    const logFile = join(dir, 'broker.log');
    const out = openSync(logFile, 'w');
    const child = spawn(java, [...jvmArgs(dir, libs, log4jFile), 'kafka.Kafka', propsFile], {
      cwd: dir, detached: true, stdio: ['ignore', out, out],
    });
    closeSync(out);
    let exited = null;
    child.once('exit', (code, signal) => { exited = { code, signal }; });
    child.once('error', (e) => { exited = { code: null, signal: null, error: e.message }; });
    child.unref();
    // Lets the caller guard the broker from the first moment (a watchdog, or signal handlers) in case it dies meanwhile.
    if (child.pid) onSpawn(child.pid);

    const deadline = Date.now() + timeoutMs;
    let problem = null;
    for (;;) {
      await sleep(200);
      if (exited) { problem = `it exited (${exited.error ?? (exited.signal ? `signal ${exited.signal}` : `code ${exited.code}`)})`; break; }
      const text = readFileSyncSafe(logFile);
      if (text.includes(READY_LINE) && (await tcpReady(ports[0]))) break;
      if (Date.now() > deadline) { problem = `it was not ready after ${Math.round(timeoutMs / 1000)} s`; break; }
    }
    if (!problem) {
      const info = {
        kafkaVersion: KAFKA_VERSION,
        pid: child.pid,
        dir,
        logFile,
        startedAt: new Date().toISOString(),
        startupMs: Date.now() - t0,
        bootstrap: `127.0.0.1:${ports[0]}`,
        listeners: {
          PLAINTEXT: `127.0.0.1:${ports[0]}`,
          SSL: `127.0.0.1:${ports[1]}`,
          SASL_PLAINTEXT: `127.0.0.1:${ports[2]}`,
          CONTROLLER: `127.0.0.1:${ports[3]}`,
        },
        ssl: { bootstrap: `127.0.0.1:${ports[1]}`, ca: pki.ca, cert: pki.cert, key: pki.key, encryptedKey: pki.encryptedKey, keyPassword: pki.keyPassword },
        sasl: {
          bootstrap: `127.0.0.1:${ports[2]}`,
          mechanisms: ['PLAIN', 'SCRAM-SHA-256'],
          plain: { mechanism: 'plain', ...users.plain },
          scram: { mechanism: 'scram-sha-256', ...users.scram },
        },
      };
      writeFileSync(brokerJsonPath(dir), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
      return info;
    }
    killGroup(child.pid, 'SIGKILL');
    await waitGone(child.pid, 10_000);
    const lastLines = tailFile(logFile, 30);
    const errors = errorLines(readFileSyncSafe(logFile));
    if (attempt < 3 && /BindException|Address already in use/.test(lastLines)) {
      log(`A port was taken meanwhile; retrying with new ports (attempt ${attempt + 1}).`);
      continue;
    }
    throw new KafkaScriptError(
      `The Kafka broker in ${dir} did not start: ${problem}. Full log: ${logFile}\n` +
        (errors ? `Errors in the log:\n${errors}\n` : '') + `Last lines of the log:\n${lastLines || '(empty)'}`,
    );
  }
}

function readFileSyncSafe(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function format(java, dir, libs, log4jFile, propsFile, users) {
  // "=" form: a base64url id may start with "-", which the argument parser would take for an option.
  const clusterId = randomBytes(16).toString('base64url').slice(0, 22);
  const scram = `SCRAM-SHA-256=[name=${users.scram.username},password=${users.scram.password}]`;
  // A short-lived tool: the C1 compiler alone starts faster.
  const r = spawnSync(java, ['-XX:TieredStopAtLevel=1', ...jvmArgs(dir, libs, log4jFile), 'kafka.tools.StorageTool', 'format',
    `--cluster-id=${clusterId}`, '-c', propsFile, '--add-scram', scram], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.error || r.status !== 0) {
    throw new KafkaScriptError(
      `Formatting the broker's storage in ${join(dir, 'data')} failed (kafka.tools.StorageTool format):\n` +
        tail(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`, 30).replaceAll(users.scram.password, '***'),
    );
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal); // The broker leads its own process group (spawned detached).
  } catch {
    try { process.kill(pid, signal); } catch { /* already gone */ }
  }
}

async function waitGone(pid, ms) {
  const deadline = Date.now() + ms;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

// Runs in a small node process: kills the broker's group when its owner's pipe closes (owner exited or was killed).
const WATCHDOG = `
const pid = Number(process.argv[1]);
const dir = process.argv[2];
let released = false;
const kill = () => {
  if (!released) {
    try { process.kill(-pid, 'SIGKILL'); } catch {}
    if (dir) { try { require('node:fs').rmSync(dir, { recursive: true, force: true }); } catch {} }
  }
  process.exit(0);
};
process.stdin.on('data', (d) => { if (String(d).includes('release')) released = true; });
process.stdin.on('end', kill);
process.stdin.on('error', kill);
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, kill);
process.stdin.resume();
`;

/**
 * Ties the broker's life to this process: if this process dies without stopping it (crash, SIGKILL, Ctrl-C),
 * a watchdog kills the broker (and removes `removeDir`, a throw-away state folder), so a failed test run leaves
 * no Java process behind.
 * @returns {{ release(): void }} call release() after a normal stop
 */
export function tieToThisProcess(pid, removeDir) {
  const args = ['-e', WATCHDOG, String(pid), ...(removeDir ? [removeDir] : [])];
  const dog = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'ignore'] });
  dog.unref();
  dog.stdin.on('error', () => {});
  dog.stdin.unref?.();
  return {
    release() {
      if (dog.stdin.writable) dog.stdin.end('release\n');
    },
  };
}

/**
 * Stops the broker of `dir` (its whole process group): SIGTERM for a clean shutdown, SIGKILL after `graceMs`.
 * @returns {Promise<boolean>} false when no broker was running there
 */
export async function stop({ dir = defaultStateDir(), graceMs = 20_000, force = false } = {}) {
  dir = resolve(dir);
  const info = status(dir);
  rmSync(brokerJsonPath(dir), { force: true });
  if (!info) return false;
  killGroup(info.pid, force ? 'SIGKILL' : 'SIGTERM');
  if (!(await waitGone(info.pid, force ? 10_000 : graceMs))) {
    killGroup(info.pid, 'SIGKILL');
    if (!(await waitGone(info.pid, 10_000))) {
      throw new KafkaScriptError(`The broker (pid ${info.pid}) did not exit after SIGKILL; check it with "ps -p ${info.pid}".`);
    }
  }
  return true;
}
