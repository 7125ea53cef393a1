/**
 * "Did you mean …?": the closest valid name to a misspelt one.
 *
 * Distance is optimal string alignment (Damerau–Levenshtein with adjacent transpositions,
 * each edit costing 1), compared without regard to case. A candidate is offered only when it
 * is close enough for the suggestion to help rather than puzzle: at most 1 edit for names of
 * up to 3 characters, 2 up to 8, and 3 beyond.
 *
 * @module
 */

/** The optimal-string-alignment distance between `a` and `b` (O(|a|·|b|) time). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: the transposition step looks two rows back.
  let prev2: number[] = new Array<number>(b.length + 1).fill(0);
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur: number[] = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
}

function threshold(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return n <= 3 ? 1 : n <= 8 ? 2 : 3;
}

/**
 * The candidate closest to `name`, or undefined when none is close enough. Ties go to the
 * candidate listed first, so suggestions are stable.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(lower, c.toLowerCase());
    if (d <= threshold(name, c) && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** ` — did you mean 'x'?` for the closest candidate, or an empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c === undefined ? '' : ` — did you mean '${c}'?`;
}
