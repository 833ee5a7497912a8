// Errors as a person reads them: what went wrong and how to fix it, never a stack trace
// (set ROUTINE_LOAD_DEBUG=1 to see one).

/** Wrong arguments: exit code 2. */
export class UsageError extends Error {}

export function formatError(prefix: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.ROUTINE_LOAD_DEBUG && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  return `${prefix}: ${message}${stack}`;
}
