// BodyPool: a job's Stream Load body buffers, used again batch after batch.
//
// A body of a large batch is tens of megabytes. A fresh one every batch costs a page fault per 4 KiB on its first
// write (measured: 62 ms per 100 MB against 11 ms to fill a buffer already in use) and makes V8 collect garbage
// early for the external memory it adds. A buffer comes back only once StarRocks has committed its batch — it read
// the whole body by then — so no request can still be sending it. The pool keeps few buffers, drops any far larger
// than the bodies asked for now (a backlog's batches are large, a caught-up job's small), and is emptied when
// its job pauses, stops or finds nothing new in Kafka.

const MIN_BUFFER = 1 << 16;
/** A free buffer this much larger than a request (plus SLACK) is not worth keeping for it. */
const OVERSIZE = 4;
const SLACK = 1 << 20;
const HEADROOM = 1.25;

export class BodyPool {
  private free: Buffer[] = [];

  /** @param keep how many free buffers to keep: about two per task slot (one loading, one being read ahead). */
  constructor(private readonly keep: () => number) {}

  /** A buffer of at least `bytes` (its contents are whatever it held before). */
  take(bytes: number): Buffer {
    const wanted = Math.max(MIN_BUFFER, bytes);
    // Buffers far larger than what bodies need now only hold memory: let them go.
    this.free = this.free.filter((b) => b.length <= wanted * OVERSIZE + SLACK);
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const len = this.free[i]!.length;
      if (len >= wanted && (best < 0 || len < this.free[best]!.length)) best = i;
    }
    if (best >= 0) return this.free.splice(best, 1)[0]!;
    // A quarter more than asked: the next batches' estimates drift by a few percent, and a buffer just too small
    // for them would be no use. Only the bytes written take memory.
    return Buffer.allocUnsafeSlow(wanted < SLACK ? wanted : Math.ceil(wanted * HEADROOM));
  }

  /** Returns a buffer nobody uses any more; kept if the pool has room, else the smallest goes. */
  give(buffer: Buffer): void {
    if (buffer.length < MIN_BUFFER) return;
    this.free.push(buffer);
    this.free.sort((a, b) => b.length - a.length);
    this.free.length = Math.min(this.free.length, Math.max(0, this.keep()));
  }

  /** Bytes held by free buffers. */
  get bytes(): number {
    let sum = 0;
    for (const b of this.free) sum += b.length;
    return sum;
  }

  clear(): void {
    this.free = [];
  }
}
