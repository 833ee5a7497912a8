// Bounded waiting: every wait in the reliability suite ends, with a message saying what did not happen.

/** The promise's value, or a rejection naming `what` after `ms`. */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Polls `check` (which may be async) until it returns a truthy value, at most `ms`. For conditions that have no
 * event (a row count in the sandbox, a file on disk); `describe` adds the last observed state to the error.
 */
export async function until<T>(check: () => T | Promise<T>, ms: number, what: string, describe?: () => string, everyMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${describe ? `; ${describe()}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
