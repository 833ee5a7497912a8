// `routine-load lsp --stdio`: the same language server the extension starts, on stdin/stdout,
// for any editor that speaks LSP.
import type { Command } from '../commands';
import { UsageError } from '../errors';
import { runServer } from '../../../server/src/lsp/run';

const command: Command = {
  summary: 'start the language server on stdio (for editors other than VS Code)',
  usage: 'routine-load lsp --stdio',
  async run(args: string[]): Promise<number> {
    const unknown = args.filter((a) => a !== '--stdio');
    if (unknown.length) throw new UsageError(`unknown option ${unknown[0]}: the language server speaks LSP on --stdio`);
    // The connection reads its transport from the command line.
    if (!process.argv.includes('--stdio')) process.argv.push('--stdio');
    runServer();
    // Serve until the client sends exit or closes stdin; the connection ends the process then.
    return new Promise<number>(() => undefined);
  },
};

export default command;
