/** Least-squares slope of `y` over `x` (0 with fewer than two points or no spread in `x`). */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const { x, y } of points) {
    covariance += (x - meanX) * (y - meanY);
    variance += (x - meanX) ** 2;
  }
  return variance === 0 ? 0 : covariance / variance;
}

/** The second half of the samples (by position), where warm-up (JIT, caches, pools) is over. */
export function secondHalf<T>(samples: readonly T[]): T[] {
  return samples.slice(Math.floor((samples.length - 1) / 2));
}
