// A set of posting markers that costs 8 bytes a slot instead of a string each: reconciliation
// remembers every movement's marker (to tell an orphan KashFlow line from the line of a movement
// already seen) without holding a million strings. Each marker is kept as a 64-bit hash (two
// independent 32-bit FNV-1a hashes); two markers in a million share one with a probability of
// about 3e-8, and such a collision could only hide an orphan, never invent one.

const EMPTY = 0

function fnv1a(text: string, basis: number, prime: number): number {
  let h = basis
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, prime)
  }
  // 0 marks an empty slot: fold it away.
  return h >>> 0 || 1
}

/** An open-addressing hash set of markers, grown at half full. */
export class MarkerSet {
  #hi = new Uint32Array(1024)
  #lo = new Uint32Array(1024)
  #size = 0

  get size(): number {
    return this.#size
  }

  add(marker: string): void {
    if (this.#insert(...MarkerSet.#hash(marker))) this.#size += 1
    if (this.#size * 2 > this.#hi.length) this.#grow()
  }

  has(marker: string): boolean {
    const [hi, lo] = MarkerSet.#hash(marker)
    const mask = this.#hi.length - 1
    for (let i = (hi ^ lo) & mask; ; i = (i + 1) & mask) {
      if (this.#hi[i] === EMPTY) return false
      if (this.#hi[i] === hi && this.#lo[i] === lo) return true
    }
  }

  static #hash(marker: string): [number, number] {
    return [fnv1a(marker, 0x811c9dc5, 0x01000193), fnv1a(marker, 0x050c5d1f, 0x01000199)]
  }

  /** True when the pair was not there yet. */
  #insert(hi: number, lo: number): boolean {
    const mask = this.#hi.length - 1
    for (let i = (hi ^ lo) & mask; ; i = (i + 1) & mask) {
      if (this.#hi[i] === EMPTY) {
        this.#hi[i] = hi
        this.#lo[i] = lo
        return true
      }
      if (this.#hi[i] === hi && this.#lo[i] === lo) return false
    }
  }

  #grow(): void {
    const hi = this.#hi
    const lo = this.#lo
    this.#hi = new Uint32Array(hi.length * 2)
    this.#lo = new Uint32Array(lo.length * 2)
    for (let i = 0; i < hi.length; i += 1) if (hi[i] !== EMPTY) this.#insert(hi[i]!, lo[i]!)
  }
}
