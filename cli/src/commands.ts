// The subcommands of `routine-load`. Each lives in cli/src/commands/<name>.ts and is loaded on demand,
// so `routine-load --help` stays instant.

export interface Command {
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(args: string[]): Promise<number>;
}

export const COMMANDS: Record<string, () => Promise<Command>> = {
  // Subcommands register here, e.g.:  lint: async () => (await import('./commands/lint')).default,
  lsp: async () => (await import('./commands/lsp')).default,
  run: async () => (await import('./commands/run')).default,
  exec: async () => (await import('./commands/exec')).default,
  engine: async () => (await import('./commands/engine')).default,
  demo: async () => (await import('./commands/demo')).default,
  sandbox: async () => (await import('./commands/sandbox')).default,
  lint: async () => (await import('./commands/lint')).default,
};
