// Benchmark of the language core: linting a generated 1 MB file (about 2,000 Routine Load
// statements among other SQL), against Chevrotain's bare lexing and parsing of the same text.
// Goal: < 150 ms warm, and < 3 × the bare parse. Run: node --import tsx bench/language.ts [--runs N],
// or bundled as the product ships: npx esbuild bench/language.ts --bundle --platform=node --outfile=… && node …
import { analyze, parse, WorkspaceIndex } from '../server/src/language';
import { tokenizeWithChevrotain, Semicolon as SemicolonToken } from '../server/src/language/lexer';
import { runRule, type EntryRule } from '../server/src/language/parser';
import type { IToken } from '../server/src/language/chevrotain';

export interface LanguageBenchResult {
  bytes: number;
  statements: number;
  routineLoadStatements: number;
  /** Median warm time of parse + analyze with a workspace index. */
  lintMs: number;
  /** Median warm time of lexing the whole text and parsing every owned statement, nothing else. */
  bareMs: number;
  ratio: number;
  /** The same medians in CPU time of this process: steadier than wall time on a loaded machine. */
  lintCpuMs: number;
  bareCpuMs: number;
  cpuRatio: number;
  /** Fastest run of each: the least disturbed by other processes. */
  lintMinMs: number;
  bareMinMs: number;
  /** Median warm time of parse + analyze after a one-statement edit, reusing the previous parse (as an editor does). */
  editLintMs: number;
  diagnostics: number;
}

function routineLoad(i: number): string {
  const json = i % 3 === 0;
  // CSV jobs name their separator; JSON jobs have none (StarRocks ignores one, RL114).
  return `CREATE ROUTINE LOAD bench_db.job_${i} ON orders_${i % 50}
${json ? '' : 'COLUMNS TERMINATED BY ",",\n'}COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price, price_cents = round(price * 100), day = from_unixtime(pay_dt, '%Y%m%d')),
WHERE price > 0 AND nationality IN ('DE', 'FR', 'UK') AND customer_name IS NOT NULL
PROPERTIES (
  "desired_concurrent_number" = "${1 + (i % 5)}",
  "max_batch_interval" = "${5 + (i % 50)}",
  "max_error_number" = "${i % 100}",
  "strict_mode" = "true",
  "timezone" = "Asia/Shanghai"${json ? ',\n  "format" = "json",\n  "jsonpaths" = "[\\"$.a\\",\\"$.b\\",\\"$.c\\",\\"$.d\\",\\"$.e\\",\\"$.f\\"]"' : ''}
)
FROM KAFKA (
  "kafka_broker_list" = "kafka-1:9092,kafka-2:9092,kafka-3:9092",
  "kafka_topic" = "orders_${i}",
  "kafka_partitions" = "0,1,2,3",
  "kafka_offsets" = "OFFSET_BEGINNING,OFFSET_BEGINNING,100,OFFSET_END",
  "property.group.id" = "group_${i}"
);
`;
}

function other(i: number): string {
  switch (i % 4) {
    case 0: return `SELECT o.order_id, sum(o.price) AS total FROM bench_db.orders_${i % 50} o JOIN customers c ON c.id = o.customer_id WHERE o.pay_dt > '2024-01-01' GROUP BY o.order_id ORDER BY total DESC LIMIT 100;\n`;
    case 1: return `INSERT INTO audit_log (id, note) VALUES (${i}, 'loaded; batch ${i}'), (${i + 1}, "second");\n`;
    case 2: return `SHOW ROUTINE LOAD FOR bench_db.job_${i};\nPAUSE ROUTINE LOAD FOR bench_db.job_${i};\n`;
    default: return `-- housekeeping ${i}\nUPDATE stats SET n = n + 1 WHERE id = ${i};\n`;
  }
}

/** About `targetBytes` of SQL: tables, then routine-load jobs mixed with other statements. */
export function generateWorkload(targetBytes = 1024 * 1024): string {
  const parts: string[] = ['CREATE DATABASE IF NOT EXISTS bench_db;\nUSE bench_db;\n'];
  for (let t = 0; t < 50; t++) {
    parts.push(`CREATE TABLE bench_db.orders_${t} (\n  order_id BIGINT NOT NULL,\n  pay_dt DATE NOT NULL,\n  customer_name VARCHAR(26) NULL,\n  nationality VARCHAR(26) NULL,\n  price DOUBLE NULL,\n  price_cents BIGINT NULL,\n  day VARCHAR(8) NULL\n) PRIMARY KEY (order_id, pay_dt) DISTRIBUTED BY HASH(order_id) BUCKETS 5;\n`);
  }
  let size = parts.reduce((n, p) => n + p.length, 0);
  for (let i = 0; size < targetBytes; i++) {
    const s = i % 5 === 4 ? other(i) : routineLoad(i);
    parts.push(s);
    size += s.length;
  }
  return parts.join('');
}

const SEMICOLON = SemicolonToken;
const ENTRY: Record<string, EntryRule> = { CREATE_ROUTINE: 'createRoutineLoad', ALTER: 'alterRoutineLoad', PAUSE: 'jobControl', RESUME: 'jobControl', STOP: 'jobControl', SHOW: 'showStatement', CREATE_TABLE: 'createTable', CREATE_DATABASE: 'createDatabase', USE: 'useStatement' };

/** Chevrotain alone: lex everything once, parse each statement the grammar owns; no splitter, no tree, no rules. */
export function bareLexAndParse(text: string): number {
  const { tokens } = tokenizeWithChevrotain(text);
  let parsed = 0;
  let chunk: IToken[] = [];
  const flush = (): void => {
    if (chunk.length === 0) return;
    const a = chunk[0].image.toUpperCase();
    const b = chunk[1]?.image.toUpperCase();
    const key = a === 'CREATE' ? `CREATE_${b === 'ROUTINE' ? 'ROUTINE' : b}` : a;
    const rule = ENTRY[key];
    if (rule) {
      runRule(rule, chunk);
      parsed++;
    }
    chunk = [];
  };
  for (const t of tokens) {
    if (t.tokenType === SEMICOLON) flush();
    else chunk.push(t);
  }
  flush();
  return parsed;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Timing {
  wall: number;
  cpu: number;
  min: number;
}

function time(fn: () => void, runs: number): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    fn();
    wall.push(Number(process.hrtime.bigint() - start) / 1e6);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1e3);
  }
  return { wall: median(wall), cpu: median(cpu), min: Math.min(...wall) };
}

export function benchLanguage(options: { bytes?: number; warmup?: number; runs?: number } = {}): LanguageBenchResult {
  const text = generateWorkload(options.bytes ?? 1024 * 1024);
  const warmup = options.warmup ?? 5;
  const runs = options.runs ?? 9;
  let diagnostics = 0;
  let statements = 0;
  let routineLoadStatements = 0;
  const lint = (): void => {
    const result = parse(text);
    const workspace = new WorkspaceIndex();
    workspace.update('bench.sql', result);
    diagnostics = analyze({ uri: 'bench.sql', text, parse: result }, workspace).length;
    statements = result.statements.length;
    routineLoadStatements = result.statements.filter((s) => s.statement && /RoutineLoad/.test(s.statement.kind)).length;
  };
  const bare = (): void => {
    bareLexAndParse(text);
  };
  for (let i = 0; i < warmup; i++) {
    lint();
    bare();
  }
  // An edit in the middle of the file, parsed with the result from before the edit.
  const at = text.indexOf('bench_db.job_700 ');
  const edited = text.slice(0, at) + 'bench_db.job_700x ' + text.slice(at + 'bench_db.job_700 '.length);
  const before = parse(text);
  const editLint = (): void => {
    const result = parse(edited, before);
    const workspace = new WorkspaceIndex();
    workspace.update('bench.sql', result);
    analyze({ uri: 'bench.sql', text: edited, parse: result }, workspace);
  };
  for (let i = 0; i < warmup; i++) editLint();
  // Interleaved, so a burst of load elsewhere hits both sides alike.
  const lintT: Timing[] = [];
  const bareT: Timing[] = [];
  const editT: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    lintT.push(time(lint, 1));
    bareT.push(time(bare, 1));
    editT.push(time(editLint, 1));
  }
  const pick = (ts: Timing[], k: keyof Timing): number => (k === 'min' ? Math.min(...ts.map((t) => t.wall)) : median(ts.map((t) => t[k])));
  const lintMs = pick(lintT, 'wall');
  const bareMs = pick(bareT, 'wall');
  const lintCpuMs = pick(lintT, 'cpu');
  const bareCpuMs = pick(bareT, 'cpu');
  return {
    bytes: text.length,
    statements,
    routineLoadStatements,
    lintMs,
    bareMs,
    ratio: lintMs / bareMs,
    lintCpuMs,
    bareCpuMs,
    cpuRatio: lintCpuMs / bareCpuMs,
    lintMinMs: pick(lintT, 'min'),
    bareMinMs: pick(bareT, 'min'),
    editLintMs: pick(editT, 'wall'),
    diagnostics,
  };
}

// Bundled (esbuild, as the product ships) this file is its own entry too; a script that only
// borrows `generateWorkload` sets ROUTINE_LOAD_BENCH_NO_MAIN.
if (require.main === module && !process.env.ROUTINE_LOAD_BENCH_NO_MAIN) {
  const runsArg = process.argv.indexOf('--runs');
  const r = benchLanguage({ runs: runsArg > 0 ? Number(process.argv[runsArg + 1]) : undefined });
  console.log(`language: ${(r.bytes / 1024 / 1024).toFixed(2)} MB, ${r.statements} statements (${r.routineLoadStatements} routine load), ${r.diagnostics} diagnostics`);
  console.log(`  lint (parse + analyze), warm median: ${r.lintMs.toFixed(1)} ms   (goal < 150 ms)   cpu ${r.lintCpuMs.toFixed(1)} ms, fastest ${r.lintMinMs.toFixed(1)} ms`);
  console.log(`  bare Chevrotain lex + parse:         ${r.bareMs.toFixed(1)} ms                     cpu ${r.bareCpuMs.toFixed(1)} ms, fastest ${r.bareMinMs.toFixed(1)} ms`);
  console.log(`  ratio: ${r.ratio.toFixed(2)} ×   (goal < 3 ×)   cpu ${r.cpuRatio.toFixed(2)} ×`);
  console.log(`  lint after a one-statement edit, reusing the previous parse: ${r.editLintMs.toFixed(1)} ms`);
}
