// A fresh sandbox takes a few small Stream Loads before it is measured, so that its parse and store code is compiled
// before the first measured load, as a StarRocks cluster's would have been long before. They go through the FE and
// the BE as from any client, into a table of their own. They do not remove the larger first-run cost of a freshly booted
// machine (memory new to it: the first engine run's sandbox took about 50 % more CPU with them as without them);
// the section's warm-up round is for that (sections/throughput.ts).
import { CSV_COLUMNS, row, tableDdl, type Format } from './data';
import { streamLoad } from './sandboxLoad';
import type { SandboxChild } from './world';

const WARMUP_TABLE = 't_warmup';
/** Loads and rows per load: enough for the sandbox's parse and store paths to be compiled optimised. */
const LOADS = 6;
const ROWS_PER_LOAD: Record<Format, number> = { csv: 40_000, json: 10_000 };

/** Bytes the warm-up leaves in the sandbox (its kept bodies), to size the sandbox's pre-touched memory. */
export function warmUpBytes(format: Format): number {
  return LOADS * ROWS_PER_LOAD[format] * (Buffer.byteLength(row(format, 0)) + 1);
}

let labels = 0;

export async function warmUp(sandbox: SandboxChild, format: Format): Promise<void> {
  await sandbox.child.request({ type: 'ddl', sql: tableDdl(format, WARMUP_TABLE) });
  const headers: Record<string, string> = format === 'json'
    ? { format: 'json', strip_outer_array: 'true' }
    : { format: 'csv', column_separator: ',', columns: CSV_COLUMNS };
  const auth = `Basic ${Buffer.from('root:').toString('base64')}`;
  const rows = ROWS_PER_LOAD[format];
  for (let load = 0; load < LOADS; load++) {
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) lines.push(row(format, load * rows + i));
    const body = Buffer.from(format === 'json' ? `[${lines.join(',')}]` : lines.join('\n'));
    const answer = await streamLoad(sandbox.feUrl, auth, `warmup_${process.pid}_${++labels}`, WARMUP_TABLE, headers, body);
    if (answer.Status !== 'Success') throw new Error(`sandbox warm-up load ${load + 1} failed: ${String(answer.Status)} ${String(answer.Message ?? '')}`);
  }
}
