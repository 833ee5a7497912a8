// A tiny sequential test runner for the extension host (no mocha): named async tests, run in
// order, each with a time limit; the first line of each failure and a summary go to the console,
// which the outer runner streams. Rejects when any test failed, so VS Code reports exit code 1.
export interface TestCase {
  name: string;
  fn: () => Promise<void> | void;
  timeoutMs: number;
}

const tests: TestCase[] = [];

export function test(name: string, fn: () => Promise<void> | void, timeoutMs = 30_000): void {
  tests.push({ name, fn, timeoutMs });
}

export async function runAll(): Promise<void> {
  let passed = 0;
  let failed = 0;
  const t0 = Date.now();
  for (const t of tests) {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(t.fn),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${t.timeoutMs} ms`)), t.timeoutMs); }),
      ]);
      passed++;
      console.log(`  ✔ ${t.name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed++;
      console.log(`  ✘ ${t.name} (${Date.now() - started} ms)\n      ${err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 6).join('\n      ') : String(err)}`);
      // Later tests build on earlier ones (a job created, then paused): stop at the first failure.
      break;
    } finally {
      clearTimeout(timer);
    }
  }
  const skipped = tests.length - passed - failed;
  console.log(`in-VS-Code suite: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} not run` : ''} (${Date.now() - t0} ms)`);
  if (failed > 0) throw new Error(`${failed} test(s) failed`);
}

/** Wait until `check` returns a value (not undefined/false), polling at `intervalMs`, or fail with `what`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
