/** A set of positive integers without allocation per insert (the first sieve for duplicate prompts). */
/** A set of positive integers: open addressing in an Int32Array (no allocation per insert). */
export class IntSet {
  private table: Int32Array;
  private size = 0;

  /** Room for about `expected` values before the table grows. */
  constructor(expected = 512) {
    let n = 1024;
    while (n < expected * 2 && n < 1 << 24) n *= 2;
    this.table = new Int32Array(n);
  }

  /** Adds `v` (> 0); false when it was already there. */
  add(v: number): boolean {
    let t = this.table;
    if ((this.size + 1) * 2 > t.length) t = this.grow();
    const mask = t.length - 1;
    let i = Math.imul(v, 0x9e3779b1) & mask;
    for (;;) {
      const x = t[i] as number;
      if (x === 0) {
        t[i] = v;
        this.size++;
        return true;
      }
      if (x === v) return false;
      i = (i + 1) & mask;
    }
  }

  private grow(): Int32Array {
    const old = this.table;
    const t: Int32Array = new Int32Array(old.length * 2);
    this.table = t;
    const mask = t.length - 1;
    for (const v of old) {
      if (v === 0) continue;
      let i = Math.imul(v, 0x9e3779b1) & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = v;
    }
    return t;
  }
}
