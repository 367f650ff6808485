/**
 * Fewer points for a chart that is a few hundred pixels wide: a year of
 * daily scores drawn as at most `max` points, keeping each bucket's lowest
 * and highest score (a dip or a spike stays visible) in day order, plus the
 * first and the last day. Pure; the series' own length is untouched.
 */
export function downsample<T extends { score: number | null }>(
  points: T[],
  max: number,
): T[] {
  if (points.length <= max || max < 4) return points;
  const inner = points.slice(1, -1);
  // Two points per bucket, the first and last day outside the buckets.
  const buckets = Math.max(1, Math.floor((max - 2) / 2));
  const size = inner.length / buckets;
  const out: T[] = [points[0]];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(inner.length, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const s = inner[i].score;
      if (s === null) continue;
      if (lo < 0 || s < (inner[lo].score as number)) lo = i;
      if (hi < 0 || s > (inner[hi].score as number)) hi = i;
    }
    if (lo < 0) {
      // A bucket without scores keeps one point, so the gap stays a gap.
      if (to > from) out.push(inner[from]);
      continue;
    }
    if (lo === hi) out.push(inner[lo]);
    else if (lo < hi) out.push(inner[lo], inner[hi]);
    else out.push(inner[hi], inner[lo]);
  }
  out.push(points[points.length - 1]);
  return out;
}
