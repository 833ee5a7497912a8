// `routine-load lint [--format text|json] [--quiet] <files or globs…>`: the language server's
// analysis for terminals and CI. All given files form one workspace, so tables and job names
// defined in one file are seen by the others.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { Command } from '../commands';
import { UsageError } from '../errors';
import { analyze, LineIndex, parse, WorkspaceIndex, type Diagnostic, type ParseResult } from '../../../server/src/language';

export interface LintRecord {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Diagnostic['severity'];
  code: string;
  message: string;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out']);

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += /[.+^${}()|[\]\\]/.test(c) ? '\\' + c : c;
  }
  return new RegExp(`^${re}$`);
}

function walk(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      continue;
    }
    if (isDir) walk(path, out);
    else out.push(path);
  }
}

/** Files named by the arguments: paths, directories (their .sql files) and globs (`**`, `*`, `?`). */
export function expandArguments(args: string[], cwd = process.cwd()): string[] {
  const files: string[] = [];
  for (const arg of args) {
    const pattern = arg.split(sep).join('/');
    if (!/[*?]/.test(pattern)) {
      const path = resolve(cwd, arg);
      let isDir = false;
      try {
        isDir = statSync(path).isDirectory();
      } catch {
        throw new UsageError(`${arg}: no such file or directory`);
      }
      if (isDir) {
        const found: string[] = [];
        walk(path, found);
        files.push(...found.filter((f) => f.toLowerCase().endsWith('.sql')).sort());
      } else files.push(path);
      continue;
    }
    const parts = pattern.split('/');
    const fixed: string[] = [];
    while (parts.length > 1 && !/[*?]/.test(parts[0])) fixed.push(parts.shift() as string);
    const base = resolve(cwd, fixed.join('/') || '.');
    const matcher = globToRegExp(parts.join('/'));
    const found: string[] = [];
    walk(base, found);
    files.push(...found.filter((f) => matcher.test(relative(base, f).split(sep).join('/'))).sort());
  }
  return [...new Set(files)];
}

/** Lint files as one workspace; `display` names a file in the output. */
export function lintFiles(files: string[], display: (file: string) => string = (f) => f): LintRecord[] {
  const workspace = new WorkspaceIndex();
  const parsed = new Map<string, ParseResult>();
  for (const file of files) {
    const result = parse(readFileSync(file, 'utf8'));
    parsed.set(file, result);
    workspace.update(file, result);
  }
  const records: LintRecord[] = [];
  for (const file of files) {
    const result = parsed.get(file) as ParseResult;
    const lines = new LineIndex(result.text);
    const diagnostics = analyze({ uri: file, text: result.text, parse: result }, workspace).sort((a, b) => a.span.start - b.span.start);
    for (const d of diagnostics) {
      const start = lines.positionAt(d.span.start);
      const end = lines.positionAt(d.span.end);
      records.push({
        file: display(file),
        line: start.line + 1,
        column: start.character + 1,
        endLine: end.line + 1,
        endColumn: end.character + 1,
        severity: d.severity,
        code: d.code,
        message: d.message,
      });
    }
  }
  return records;
}

const command: Command = {
  summary: 'check Routine Load statements in .sql files, like the editor does',
  usage: 'routine-load lint [--format text|json] [--quiet] <files, directories or globs…>\n\n  --format text  file:line:col severity code message (default)\n  --format json  one JSON array of {file, line, column, endLine, endColumn, severity, code, message}\n  --quiet        errors and warnings only\n\nExit code 1 when any error is found, 0 otherwise. Quote globs (\'**/*.sql\') so the shell leaves them alone.',
  async run(args: string[]): Promise<number> {
    let format = 'text';
    let quiet = false;
    const inputs: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--format') format = args[++i] ?? '';
      else if (a.startsWith('--format=')) format = a.slice('--format='.length);
      else if (a === '--quiet' || a === '-q') quiet = true;
      else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
      else inputs.push(a);
    }
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
    if (inputs.length === 0) throw new UsageError('name the .sql files to check, e.g. routine-load lint \'**/*.sql\'');
    const files = expandArguments(inputs);
    if (files.length === 0) throw new UsageError(`no files match ${inputs.join(' ')}`);
    const cwd = process.cwd();
    let records = lintFiles(files, (f) => {
      const r = relative(cwd, f);
      return r.startsWith('..') ? f : r;
    });
    // Hints are editor-only (e.g. fades); the terminal shows the rest.
    records = records.filter((r) => r.severity !== 'hint' && (!quiet || r.severity === 'error' || r.severity === 'warning'));
    if (format === 'json') process.stdout.write(JSON.stringify(records, null, 2) + '\n');
    else for (const r of records) process.stdout.write(`${r.file}:${r.line}:${r.column} ${r.severity} ${r.code} ${r.message}\n`);
    return records.some((r) => r.severity === 'error') ? 1 : 0;
  },
};

export default command;
