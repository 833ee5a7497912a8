// The sandbox (the StarRocks stand-in) in its own process, so its CPU is not the engine's and can be measured.
import { startSandbox, type Sandbox } from '../../sandbox/src/server';
import { serve } from '../lib/child';
import { runQueueWaitSeconds } from '../lib/machine';

let sandbox: Sandbox | undefined;
let cpuBase = process.cpuUsage();
let waitBase = runQueueWaitSeconds();

serve(async (c) => {
  switch (c.type) {
    case 'start':
      sandbox = await startSandbox({ ddl: String(c.ddl), preTouchMB: Number(c.preTouchMB ?? 0) });
      return { feUrl: sandbox.feUrl, beUrl: sandbox.beUrl, pid: process.pid };
    case 'ddl':
      sandbox?.ddl(String(c.sql));
      return null;
    case 'count': {
      if (!sandbox) throw new Error('the sandbox is not started');
      const row = sandbox.query(`SELECT count(*) FROM ${String(c.table)}`).rows[0] as Record<string, unknown> | undefined;
      return Number(row?.['count(*)'] ?? 0);
    }
    case 'resetStats':
      cpuBase = process.cpuUsage();
      waitBase = runQueueWaitSeconds();
      return null;
    case 'stats': {
      const cpu = process.cpuUsage(cpuBase);
      return { cpuS: (cpu.user + cpu.system) / 1e6, runQueueWaitS: runQueueWaitSeconds() - waitBase, rssMB: process.memoryUsage().rss / 2 ** 20 };
    }
    case 'close':
      await sandbox?.stop();
      setTimeout(() => process.exit(0), 20);
      return null;
    default:
      throw new Error(`unknown command ${c.type}`);
  }
});
