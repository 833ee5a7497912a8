// `routine-load exec "<statement>"`: a second terminal's way into the running engine (PAUSE, RESUME,
// ALTER, STOP, SHOW). It only talks to the daemon of the state directory; it never starts one.
import type { Command } from '../commands';
import { UsageError } from '../errors';
import { EngineClient } from '../../../engine/src/client';
import type { ExecuteResult } from '../../../engine/src/protocol';
import { renderTable, renderVertical } from '../../../engine/src/show';
import { resolveStateDir } from '../../../engine/src/stateDir';
import { parseOptions } from './engine';

/** `SHOW …\G` (the mysql client's vertical form) → the statement without it, and whether it was there. */
export function splitVerticalTerminator(statement: string): { sql: string; vertical: boolean } {
  const trimmed = statement.trim().replace(/;\s*$/, '').trimEnd();
  if (/\\G$/.test(trimmed)) return { sql: trimmed.slice(0, -2).trimEnd(), vertical: true };
  return { sql: trimmed, vertical: false };
}

export function renderResults(results: ExecuteResult[], vertical: boolean): string {
  return results.map((result) => {
    if (result.kind === 'ok') return result.message;
    return vertical ? renderVertical(result.resultSet) : renderTable(result.resultSet);
  }).join('\n\n');
}

const command: Command = {
  summary: 'run a statement (PAUSE, RESUME, ALTER, STOP, SHOW … [\\G]) in the running engine',
  usage: 'routine-load exec "<statement>" [--state-dir DIR] [--db DB] [--format text|json]',
  async run(args) {
    const { options, positional } = parseOptions(args, ['state-dir', 'db', 'format']);
    if (positional.length === 0) throw new UsageError('exec needs a statement, e.g. routine-load exec "SHOW ROUTINE LOAD\\G".');
    const format = options.get('format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format is text or json, not "${format}".`);
    const { sql, vertical } = splitVerticalTerminator(positional.join(' '));
    if (sql === '') throw new UsageError('the statement is empty.');
    const stateDir = resolveStateDir(options.get('state-dir'));
    const client = await EngineClient.connect(stateDir);
    try {
      const results = await client.execute(sql, options.has('db') ? { db: options.get('db') } : {});
      process.stdout.write(`${format === 'json' ? JSON.stringify(results, null, 2) : renderResults(results, vertical)}\n`);
      return 0;
    } finally {
      client.close();
    }
  },
};

export default command;
