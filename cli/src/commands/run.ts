// `routine-load run <file.sql…> --starrocks http://USER@HOST:PORT`: the engine in the foreground.
// It runs the files' routine-load statements, keeps loading until Ctrl-C, then stops cleanly.
// Running the same files again is safe: a job that already exists with the same definition is kept.
import { readFileSync } from 'node:fs';
import type { Command } from '../commands';
import { UsageError } from '../errors';
import { EngineAlreadyRunningError, EngineDaemon, closeOnSignals, type EngineHandle } from '../../../engine/src/daemon';
import type { EngineEvent, ExecuteResult, JobSnapshot } from '../../../engine/src/protocol';
import { resolveStateDir } from '../../../engine/src/stateDir';
import { findProperty, isSecretKey } from '../../../server/src/language/catalogue';
import { skipTrivia, splitStatements, type Segment } from '../../../server/src/language/splitter';
import { parseSql } from '../../../engine/src/language';
import { parseOptions, rateLimitedLog, starrocksFromUrl } from './engine';
import { renderResults } from './exec';

export interface SourceFile {
  path: string;
  text: string;
}

export interface StatementOutcome {
  file: string;
  line: number;
  kind: Segment['kind'];
  /** What happened, in a sentence. */
  message: string;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function unquote(name: string): string {
  const t = name.trim();
  return t.startsWith('`') && t.endsWith('`') ? t.slice(1, -1).replace(/``/g, '`') : t;
}

function isAlreadyExists(error: unknown): boolean {
  return error instanceof Error && /already (?:exists?|used)/i.test(error.message);
}

/** Whitespace outside quotes is not part of a definition: `a , b` and `a,b` are the same COLUMNS. */
function squeeze(text: string): string {
  return text.replace(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)|\s+/g, (_m, quoted: string | undefined) => quoted ?? '');
}

/**
 * What decides a job's behaviour, from a CREATE text: target, load properties, PROPERTIES and FROM KAFKA, keys
 * lower-cased, secrets masked (the engine never keeps them, so they cannot be compared). Used on the file's
 * statement and on SHOW CREATE ROUTINE LOAD of the stored job, so both sides go through the same parser.
 */
export function canonicalCreate(text: string, defaultDb: string | undefined): { db?: string; name: string; definition: Record<string, unknown> } | undefined {
  const statement = parseSql(text).statements.find((s) => s.statement?.kind === 'createRoutineLoad')?.statement;
  if (!statement || statement.kind !== 'createRoutineLoad') return undefined;
  const slice = (span: { start: number; end: number }) => squeeze(text.slice(span.start, span.end));
  const load: Record<string, unknown> = {};
  for (const p of statement.loadProperties) {
    if (p.kind === 'columnSeparator' || p.kind === 'rowDelimiter') load[p.kind] = p.value.value;
    else if (p.kind === 'columns') load.columns = p.columns.map((c) => slice(c.span));
    else if (p.kind === 'where') load.where = slice(p.expr.span);
    else load.partitions = `${p.temporary ? 'TEMPORARY ' : ''}${p.names.map((n) => n.name).join(',')}`;
  }
  const properties = (list: { key: { value: string }; value: { value: string } }[] | undefined) => Object.fromEntries(
    (list ?? [])
      .map(({ key, value }) => {
        const k = key.value.trim().toLowerCase();
        const v = isSecretKey(k) ? '******' : k === 'kafka_partitions' || k === 'kafka_offsets' ? value.value.replace(/\s+/g, '') : value.value;
        return [k, v] as const;
      })
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  const db = statement.job.db?.name ?? defaultDb;
  return {
    db,
    name: statement.job.name.name,
    definition: {
      table: statement.table.name.name,
      load,
      jobProperties: properties(statement.jobProperties?.properties),
      dataSource: properties(statement.dataSource?.properties),
    },
  };
}

const GENERATED = new Set(['dataSource.property.group.id', 'dataSource.property.client.id']);

/** Differences between the stored job (its SHOW CREATE) and the file's CREATE, or [] when they define the same job. */
async function compareWithExisting(engine: EngineHandle, sql: string, db: string | undefined): Promise<{ name: string; differences: string[]; altered: string[] } | undefined> {
  const wanted = canonicalCreate(sql, db);
  if (!wanted) return undefined;
  const name = `${wanted.db ? `${wanted.db}.` : ''}${wanted.name}`;
  const shown = await engine.execute(`SHOW CREATE ROUTINE LOAD ${name}`, wanted.db ? { db: wanted.db } : {});
  const first = shown[0];
  const createText = first?.kind === 'resultSet' ? first.resultSet.rows[0]?.[1] : undefined;
  const stored = createText ? canonicalCreate(createText, wanted.db) : undefined;
  if (!stored) return { name, differences: ['the stored job could not be read back'], altered: [] };
  const differences: string[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const x = a as Record<string, unknown>;
      const y = b as Record<string, unknown>;
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(path ? `${path}.${k}` : k, x[k], y[k]);
    } else if (b === undefined && GENERATED.has(path)) {
      // Filled in by the engine when the file leaves it out (StarRocks names the group <job>_<uuid>).
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      differences.push(`${path} is ${a === undefined ? 'unset' : JSON.stringify(a)} in the job but ${b === undefined ? 'unset' : JSON.stringify(b)} in the file`);
    }
  };
  walk('', stored.definition, wanted.definition);
  // Properties ALTER may change (a second terminal tuned the job) do not make it another job.
  const altered = differences.filter((d) => {
    const match = /^(?:jobProperties|dataSource)\.(\S+) is/.exec(d);
    return match !== null && findProperty(match[1])?.alterable === true;
  });
  return { name, differences: differences.filter((d) => !altered.includes(d)), altered };
}

/**
 * Runs the files' routine-load statements on an open engine, in order. Throws at the first failing one with
 * "file:line: message". DDL and statements the product does not own are skipped: the tables live in StarRocks.
 */
export async function runStatements(engine: EngineHandle, files: SourceFile[], options: { db?: string; print: (line: string) => void }): Promise<StatementOutcome[]> {
  const outcomes: StatementOutcome[] = [];
  for (const file of files) {
    let db = options.db;
    for (const segment of splitStatements(file.text)) {
      // Leading comments belong to the segment; messages point at the statement itself.
      const start = skipTrivia(file.text, segment.span.start, segment.span.end);
      const sql = file.text.slice(start, segment.span.end);
      const line = lineOf(file.text, start);
      const where = `${file.path}:${line}`;
      const done = (message: string) => {
        outcomes.push({ file: file.path, line, kind: segment.kind, message });
        options.print(`${where}: ${message}`);
      };
      switch (segment.kind) {
        case 'useStatement':
          db = unquote(sql.replace(/^\s*USE\s+/i, ''));
          done(`using database ${db}`);
          continue;
        case 'createDatabase':
        case 'createTable':
        case 'foreign':
          done(`skipped ${segment.head} (not a routine-load statement; it belongs in StarRocks)`);
          continue;
        default:
          break;
      }
      let results: ExecuteResult[];
      try {
        results = await engine.execute(sql, db ? { db } : {});
      } catch (error) {
        const existing = segment.kind === 'createRoutineLoad' && isAlreadyExists(error)
          ? await compareWithExisting(engine, sql, db) : undefined;
        if (existing && existing.differences.length === 0) {
          const note = existing.altered.length > 0
            ? `; it was ALTERed since (${existing.altered.join('; ')}): the job's values stay` : '';
          done(`job ${existing.name} already exists with the same definition: kept (it continues from its stored offsets)${note}`);
          continue;
        }
        if (existing) {
          throw new Error(`${where}: job ${existing.name} already exists with a different definition: ${existing.differences.join('; ')}. ` +
            'To change ALTER-able properties, PAUSE the job and ALTER it; otherwise STOP it and create the job under a new name (or use another --state-dir).');
        }
        throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
      }
      const text = renderResults(results, true);
      done(text.includes('\n') ? `\n${text}` : text);
    }
  }
  return outcomes;
}

function describeJob(job: JobSnapshot): string {
  const s = job.statistic;
  const reason = job.reasonOfStateChanged ? `: ${job.reasonOfStateChanged}` : '';
  return `${job.dbName}.${job.name} ${job.shownState} (loadedRows ${s.loadedRows}, errorRows ${s.errorRows})${reason}`;
}

const command: Command = {
  summary: 'run the routine-load statements of .sql files and keep loading until Ctrl-C',
  usage: 'routine-load run <file.sql…> --starrocks http://USER@HOST:PORT [--state-dir DIR] [--db DB]   (password: STARROCKS_PASSWORD)',
  async run(args) {
    const { options, positional } = parseOptions(args, ['starrocks', 'state-dir', 'db']);
    if (positional.length === 0) throw new UsageError('run needs at least one .sql file.');
    if (!options.has('starrocks')) {
      throw new UsageError('run needs --starrocks http://USER@HOST:PORT (the FE HTTP address; the password comes from STARROCKS_PASSWORD).');
    }
    const starrocks = starrocksFromUrl(options.get('starrocks')!);
    const files = positional.map((path): SourceFile => {
      try {
        return { path, text: readFileSync(path, 'utf8') };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new UsageError(`cannot read ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}.`);
      }
    });
    const stateDir = resolveStateDir(options.get('state-dir'));
    const err = (line: string) => process.stderr.write(`${line}\n`);
    const out = (line: string) => process.stdout.write(`${line}\n`);

    let daemon: EngineDaemon;
    try {
      daemon = await EngineDaemon.start({ stateDir, log: rateLimitedLog(err), configure: { starrocks } });
    } catch (error) {
      if (error instanceof EngineAlreadyRunningError) throw new Error(error.message);
      throw error;
    }
    let stopping = false;
    const release = closeOnSignals(daemon, () => {
      stopping = true;
      err('Stopping: finishing in-flight tasks (Ctrl-C again to abandon them; they are retried exactly once on the next run)…');
    });
    // State changes, with the reason when a job paused by itself.
    const lastState = new Map<number, string>();
    daemon.on('event', (event: EngineEvent) => {
      if (event.event !== 'jobChanged') return;
      const previous = lastState.get(event.job.id);
      lastState.set(event.job.id, event.job.shownState);
      if (previous !== undefined && previous !== event.job.shownState) err(`job ${describeJob(event.job)}`);
    });
    try {
      out(`Engine on state directory ${stateDir}, loading into ${starrocks.feUrl} as ${starrocks.user}.`);
      await runStatements(daemon.engine!, files, { db: options.get('db'), print: out });
      const jobs = await daemon.engine!.jobs();
      for (const job of jobs) lastState.set(job.id, job.shownState);
      const active = jobs.filter((j) => j.state === 'RUNNING' || j.state === 'NEED_SCHEDULE');
      out(`${active.length} job${active.length === 1 ? '' : 's'} loading${active.length ? `: ${active.map((j) => `${j.dbName}.${j.name}`).join(', ')}` : ''}. ` +
        'Press Ctrl-C to stop; in another terminal: routine-load exec "SHOW ROUTINE LOAD\\G"' +
        `${options.has('state-dir') ? ` --state-dir ${stateDir}` : ''}`);
    } catch (error) {
      if (!stopping) await daemon.close('a statement failed');
      release();
      throw error;
    }
    await daemon.closed;
    release();
    out(`Stopped. The jobs and their offsets stay in ${stateDir}; run the same command again to continue exactly where they stopped.`);
    return 0;
  },
};

export default command;
