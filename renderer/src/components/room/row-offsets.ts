// Row offsets for ChatScroller: the top of each loaded row, from its measured height or the estimate, in a Fenwick
// (binary indexed) tree. Measuring a row updates the offsets of every row below it in O(log n), and finding the row
// at a pixel offset is O(log n), so scrolling through a long history costs the same at row 100 as at row 20,000.
// (A prefix-sum array rebuilt after every measurement cost O(n) and a fresh Float64Array per scroll step: 7.5% of
// the scroll's busy time at 20,000 rows, and garbage the collector then paused for inside the long tasks.)
// Rows are addressed by absolute index (a message's seq); prepending a page or appending a row rebuilds the tree in
// O(n), reusing its buffer.
export class RowOffsets {
  /** 1-based Fenwick tree over positions 0 .. count - 1 (absolute index firstIndex + position). */
  private tree = new Float64Array(1);
  private first = 0;
  private n = 0;
  private estimate = 0;
  private sum = 0;

  /** `known`: measured heights by absolute index, kept across rebuilds (a prepend keeps what was measured). */
  constructor(private readonly known: Map<number, number>) {}

  /** The rows are now firstIndex .. firstIndex + count - 1: rebuilds when that (or the estimate) changed. */
  sync(firstIndex: number, count: number, estimate: number): void {
    if (firstIndex === this.first && count === this.n && estimate === this.estimate) return;
    this.first = firstIndex;
    this.n = count;
    this.estimate = estimate;
    if (this.tree.length < count + 1) this.tree = new Float64Array(Math.max(count + 1, this.tree.length * 2));
    const tree = this.tree;
    tree.fill(0, 0, count + 1);
    let sum = 0;
    for (let i = 1; i <= count; i += 1) {
      const h = this.known.get(firstIndex + i - 1) ?? estimate;
      sum += h;
      tree[i] = tree[i]! + h;
      const parent = i + (i & -i);
      if (parent <= count) tree[parent] = tree[parent]! + tree[i]!;
    }
    this.sum = sum;
  }

  /** A row's measured height; true when it differs from the height its offsets assumed (the estimate, if new). */
  measured(index: number, height: number): boolean {
    const before = this.known.get(index);
    if (before === height) return false;
    this.known.set(index, height);
    const position = index - this.first;
    if (position < 0 || position >= this.n) return false; // not a loaded row: no offset depends on it
    const delta = height - (before ?? this.estimate);
    if (delta === 0) return false;
    this.sum += delta;
    for (let i = position + 1; i <= this.n; i += i & -i) this.tree[i] = this.tree[i]! + delta;
    return true;
  }

  /** Height of all rows before position p (0 <= p <= count): the top of row firstIndex + p. */
  before(p: number): number {
    if (p >= this.n) return this.sum;
    let s = 0;
    for (let i = p; i > 0; i -= i & -i) s += this.tree[i]!;
    return s;
  }

  get total(): number {
    return this.sum;
  }

  /** The first i in [0, count] with before(i) > y; count when there is none. */
  upperBound(y: number): number {
    if (y < 0) return 0;
    // The largest p with before(p) <= y, found by descending the tree's powers of two.
    let p = 0;
    let rest = y;
    let step = 1;
    while (step * 2 <= this.n) step *= 2;
    for (; step > 0; step >>= 1) {
      const next = p + step;
      if (next <= this.n && this.tree[next]! <= rest) {
        p = next;
        rest -= this.tree[next]!;
      }
    }
    return Math.min(p + 1, this.n);
  }
}
