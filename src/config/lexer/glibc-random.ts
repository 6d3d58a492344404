/**
 * glibc's random()/srandom() (the default TYPE_3 additive feedback generator),
 * so `${_RANDOM}` after a given seed yields the numbers keepalived's
 * `random() % (max - min + 1) + min` would yield on Debian.
 *
 * The state is 34 words seeded by the Park–Miller "minimal standard" LCG
 * (16807 · x mod 2^31−1, computed with Schrage's method as glibc does); each
 * output adds the word 31 places back to the one 3 places back (mod 2^32) and
 * returns the sum without its lowest bit. glibc throws the first 310 outputs away.
 */
export class GlibcRandom {
  private front = 3; // index of the word 3 back, relative to a 31-word ring
  private rear = 0;
  private readonly ring = new Int32Array(31);

  constructor(seed: number) {
    this.seed(seed);
  }

  /** srandom(seed); `seed` is an unsigned 32-bit value. */
  seed(seed: number): void {
    let word = seed | 0;
    if (word === 0) word = 1;
    const ring = this.ring;
    ring[0] = word;
    for (let i = 1; i < 31; i++) {
      const hi = Math.trunc(word / 127773);
      const lo = word % 127773;
      word = 16807 * lo - 2836 * hi;
      if (word < 0) word += 2147483647;
      ring[i] = word;
    }
    this.front = 3;
    this.rear = 0;
    for (let i = 0; i < 310; i++) this.next();
  }

  /** random(): a value in [0, 2^31). */
  next(): number {
    const ring = this.ring;
    const sum = (ring[this.front]! + ring[this.rear]!) | 0;
    ring[this.front] = sum;
    this.front = this.front === 30 ? 0 : this.front + 1;
    this.rear = this.rear === 30 ? 0 : this.rear + 1;
    return (sum >>> 1) & 0x7fffffff;
  }
}
