// `routine-load`: the command line over the same cores the extension uses.
import { COMMANDS } from './commands';
import { UsageError, formatError } from './errors';

declare const PACKAGE_VERSION: string | undefined;

function version(): string {
  // esbuild bundles package.json's version; under tsx it is read directly.
  if (typeof PACKAGE_VERSION === 'string') return PACKAGE_VERSION;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

async function help(): Promise<string> {
  const lines = ['Usage: routine-load <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const command = await load();
    lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  lines.push('', 'Options:', '  --help     show this help (or `routine-load <command> --help`)', '  --version  print the version');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(await help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(`routine-load: unknown command "${name}". Run \`routine-load --help\` for the list.`);
    return 2;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    console.error(formatError(name, error));
    return error instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (error: unknown) => { console.error(formatError('routine-load', error)); process.exitCode = 1; },
  );
}
