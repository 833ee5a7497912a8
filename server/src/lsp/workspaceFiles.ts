// The workspace's .sql files on disk, read once at start and on watcher events, so tables and
// jobs defined in files that are not open still complete and resolve.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', 'build', 'target', '.vscode-test', '.cache']);
/** Bounds, so a huge repository cannot stall the server at start. */
const MAX_FILES = 2000;
const MAX_FILE_BYTES = 4 * 1024 * 1024;

export function isSqlUri(uri: string): boolean {
  return uri.toLowerCase().endsWith('.sql');
}

export async function readSqlFile(uri: string): Promise<string | undefined> {
  if (!uri.startsWith('file:') || !isSqlUri(uri)) return undefined;
  try {
    const path = fileURLToPath(uri);
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return undefined;
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Feed every .sql file under the folder to `add`; returns how many were read. */
export async function scanWorkspaceFolder(folderUri: string, add: (uri: string, text: string) => void, log: (message: string, error?: unknown) => void): Promise<number> {
  if (!folderUri.startsWith('file:')) return 0;
  let count = 0;
  const queue = [fileURLToPath(folderUri)];
  while (queue.length && count < MAX_FILES) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      log(`cannot read ${dir}`, error);
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) queue.push(join(dir, e.name));
      } else if (e.isFile() && e.name.toLowerCase().endsWith('.sql')) {
        const uri = pathToFileURL(join(dir, e.name)).href;
        const text = await readSqlFile(uri);
        if (text !== undefined) {
          add(uri, text);
          if (++count >= MAX_FILES) break;
        }
      }
    }
  }
  return count;
}
