/**
 * Send rates from the sandbox's acceptance times (ms), as a share of a number's cap: *steady* is the rate from 2 s
 * after the first send to 1 s before the last (warm-up and tail excluded); *busiest* is the most sends in any 1 s
 * sliding window (what Meta's 1-second bucket sees).
 */
export function acceptanceRates(acceptedAt: number[], mps: number) {
  const times = [...acceptedAt].sort((a, b) => a - b);
  const first = times[0] ?? 0;
  const last = times[times.length - 1] ?? 0;
  let busiest = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= 1000) j++;
    busiest = Math.max(busiest, i - j + 1);
  }
  const from = first + 2000;
  const to = last - 1000;
  const steady = to > from ? times.filter((t) => t >= from && t < to).length / ((to - from) / 1000) : 0;
  return { sends: times.length, busiest, steady, busiestPct: (busiest / mps) * 100, steadyPct: (steady / mps) * 100, seconds: (last - first) / 1000 };
}
