/** Durations summarised the way an auditor reads them: how many, the typical one, the slow tail, the worst. */
export interface DurationStats {
  count: number;
  p50Seconds: number | null;
  p90Seconds: number | null;
  p99Seconds: number | null;
  maxSeconds: number | null;
}

/** Nearest-rank percentile of ascending values: an actual observed duration, never an interpolated one. */
function nearestRank(sorted: readonly number[], percent: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

export function summarizeDurations(seconds: readonly number[]): DurationStats {
  const sorted = [...seconds].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Seconds: nearestRank(sorted, 50),
    p90Seconds: nearestRank(sorted, 90),
    p99Seconds: nearestRank(sorted, 99),
    maxSeconds: sorted.at(-1) ?? null,
  };
}

/** Seconds from one instant to another, to the millisecond. */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}
