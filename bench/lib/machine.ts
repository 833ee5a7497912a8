// What the numbers were measured on: CPU, cores, memory, Node, OS, and how busy the machine was.
import { cpus, freemem, loadavg, platform, release, totalmem, arch, hostname } from 'node:os';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  node: string;
  os: string;
  java: string;
  /** 1-, 5- and 15-minute load averages when the suite started: other work on the machine skews absolute numbers. */
  loadAverageAtStart: number[];
  hostname: string;
}

function osName(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    const m = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(text);
    if (m) return `${m[1]} (${platform()} ${release()}, ${arch()})`;
  } catch {
    // not Linux
  }
  return `${platform()} ${release()} ${arch()}`;
}

function javaVersion(): string {
  const java = process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java';
  const r = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 10_000 });
  return (r.stderr || r.stdout || '').split('\n')[0]?.trim() || 'unknown';
}

export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: osName(),
    java: javaVersion(),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    hostname: hostname(),
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined elsewhere. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
    return ticks / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** Seconds this process has spent runnable but waiting for a CPU (Linux schedstat); NaN elsewhere. */
export function runQueueWaitSeconds(pid: number | 'self' = 'self'): number {
  try {
    const [, waitNs] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/).map(Number);
    return (waitNs ?? Number.NaN) / 1e9;
  } catch {
    return Number.NaN;
  }
}
