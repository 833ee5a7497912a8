// Shared by the Stream Load client's tests (the tiny FE/BE and the sandbox): requests with fresh labels, and
// the assertion that a load fails with a given error kind.
import assert from 'node:assert/strict';
import { StreamLoadError, type StreamLoadRequest } from '../../engine/src/ports';

/**
 * A maker of CSV requests: `base` with a new label (`labelPrefix` and a counter) each call, `over` applied last.
 */
export function csvRequests(labelPrefix: string, base: Omit<StreamLoadRequest, 'label'>): (over?: Partial<StreamLoadRequest>) => StreamLoadRequest {
  let seq = 0;
  return (over = {}) => ({ ...base, label: `${labelPrefix}${++seq}`, ...over });
}

/** `p` rejects with a StreamLoadError of `kind` (and a message matching `pattern`); returns the error. */
export async function rejectsWith(p: Promise<unknown>, kind: string, pattern?: RegExp): Promise<StreamLoadError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StreamLoadError, `expected a StreamLoadError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`expected StreamLoadError(${kind})`);
}
