// "Did you mean ...?" for a mistyped name: the candidates nearest to it by edit distance, by the rule commander
// applies to an unknown command or option (lib/suggestSimilar.js: optimal string alignment distance, at most 3 and
// at most 60% of the longer name, only the nearest), so an unknown profile is answered as an unknown command is.
// Hand-written (about 20 lines) because commander does not export it, and the well-kept Levenshtein packages
// (leven, fastest-levenshtein) count a swap of two letters ("wrok" for "work", the commonest typo) as two edits.
// Unlike commander, case is ignored ("Work" for "work").

const MAX_DISTANCE = 3;
const MIN_SIMILARITY = 0.4;

/** The optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d[i] = [i];
  const first = d[0] as number[];
  for (let j = 1; j <= b.length; j++) first[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const above = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The candidates nearest to `word` (all at the same, smallest distance), in their given order; [] when none is near. */
export function nearestNames(word: string, candidates: readonly string[]): string[] {
  let best = MAX_DISTANCE;
  let nearest: string[] = [];
  const typed = word.toLowerCase();
  for (const candidate of new Set(candidates)) {
    if (candidate === word) continue;
    const distance = editDistance(typed, candidate.toLowerCase());
    const length = Math.max(typed.length, candidate.length);
    if (length === 0 || (length - distance) / length <= MIN_SIMILARITY || distance > best) continue;
    if (distance < best) {
      best = distance;
      nearest = [];
    }
    nearest.push(candidate);
  }
  return nearest;
}

/** ' Did you mean "a"?', ' Did you mean "a" or "b"?', or "" when nothing is near. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const nearest = nearestNames(word, candidates).slice(0, 3);
  if (nearest.length === 0) return "";
  const quoted = nearest.map((name) => JSON.stringify(name));
  return ` Did you mean ${quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1) ?? ""}` : quoted[0]}?`;
}
