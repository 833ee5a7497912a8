// The secret scanner: looks for passwords in every file under some directories (logs, state files, settings) and
// in captured text (SHOW output), in plain form and in the encodings a leak could take (base64 as in a Basic
// Authorization header, URL encoding, JSON escaping). And the owner-only check of state directories.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Leak {
  where: string;
  secret: string;
  form: string;
}

/** The forms a secret may take when written somewhere. */
function forms(secret: string): { form: string; text: string }[] {
  const out = [
    { form: 'plain', text: secret },
    { form: 'url-encoded', text: encodeURIComponent(secret) },
    { form: 'json-escaped', text: JSON.stringify(secret).slice(1, -1) },
  ];
  // user:password in a Basic header: the base64 of the password alone does not appear, so look for the pair with common users.
  for (const user of ['root', 'plain-user', 'scram-user']) out.push({ form: `base64 ${user}:…`, text: Buffer.from(`${user}:${secret}`).toString('base64') });
  return out.filter((f, i, all) => all.findIndex((g) => g.text === f.text) === i);
}

export function scanText(where: string, text: string, secrets: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of secrets) {
    if (secret.length < 6) throw new Error(`secret "${secret}" is too short to search for without false alarms`);
    for (const f of forms(secret)) if (text.includes(f.text)) leaks.push({ where, secret: `${secret.slice(0, 2)}…(${secret.length})`, form: f.form });
  }
  return leaks;
}

function walk(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [];
  }
  if (st.isDirectory()) return readdirSync(path).flatMap((name) => walk(join(path, name)));
  return st.isFile() ? [path] : [];
}

/** Every file under `roots` (sockets and other special files are skipped), searched for every secret. */
export function scanFiles(roots: readonly string[], secrets: readonly string[]): { files: number; bytes: number; leaks: Leak[] } {
  let files = 0;
  let bytes = 0;
  const leaks: Leak[] = [];
  for (const file of roots.flatMap(walk)) {
    const content = readFileSync(file);
    files++;
    bytes += content.length;
    // latin1 keeps every byte, so a secret inside binary data is still found.
    leaks.push(...scanText(file, content.toString('latin1'), secrets));
  }
  return { files, bytes, leaks };
}

/** Problems with the modes of state directories: the directory must be 0700, every file and subdirectory owner-only. */
export function ownerOnlyProblems(dirs: readonly string[]): string[] {
  const problems: string[] = [];
  if (process.platform === 'win32') return problems;
  for (const dir of dirs) {
    const mode = statSync(dir).mode & 0o777;
    if (mode !== 0o700) problems.push(`${dir} has mode ${mode.toString(8)}, expected 700`);
    const visit = (path: string) => {
      for (const name of readdirSync(path)) {
        const full = join(path, name);
        const st = statSync(full);
        const m = st.mode & 0o777;
        if (m & 0o077) problems.push(`${full} has mode ${m.toString(8)}: readable or writable by others`);
        if (st.isDirectory()) visit(full);
      }
    };
    visit(dir);
  }
  return problems;
}
