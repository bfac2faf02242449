/**
 * A reply's body gathered into one buffer as it arrives, instead of its chunks and then their
 * concatenation: a large reply (100,000 scored responses, ~100 MB) was held twice at the peak.
 * The buffer grows by doubling from at most 1 MB; the declared Content-Length is trusted for one
 * allocation of its full size only once an eighth of it has arrived, so a server that declares
 * far more than it sends costs at most eight times what it sent (and never more than the cap the
 * caller enforces on the declared length).
 */
const FIRST_BYTES = 1024 * 1024;
const TRUST_FRACTION = 8;

export class ReplyBytes {
  private buf: Buffer | undefined;
  private size = 0;

  /** `declared`: the reply's Content-Length when it is a whole number, else NaN or undefined. */
  constructor(private readonly declared?: number) {}

  get length(): number {
    return this.size;
  }

  add(chunk: Buffer): void {
    const need = this.size + chunk.length;
    if (!this.buf && this.size === 0 && this.declared === chunk.length) {
      this.buf = chunk; // the whole body in one chunk: kept as it is
      this.size = need;
      return;
    }
    if (!this.buf || need > this.buf.length) this.grow(need);
    chunk.copy(this.buf!, this.size);
    this.size = need;
  }

  /** The bytes received (a view of the buffer when it is larger). */
  bytes(): Buffer {
    if (!this.buf) return Buffer.alloc(0);
    return this.size === this.buf.length ? this.buf : this.buf.subarray(0, this.size);
  }

  private grow(need: number): void {
    const d = this.declared;
    const known = d !== undefined && Number.isSafeInteger(d) && d > 0;
    let cap = Math.max(need, Math.min(this.buf ? this.buf.length * 2 : FIRST_BYTES, known ? d : Infinity));
    if (known && need <= d && need * TRUST_FRACTION >= d) cap = d;
    const next = Buffer.allocUnsafe(cap);
    if (this.buf) this.buf.copy(next, 0, 0, this.size);
    this.buf = next;
  }
}
