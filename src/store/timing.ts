/** Query timing hook: the store reports every query's duration; /metrics subscribes. */
export type QueryObserver = (seconds: number, ok: boolean) => void;

const observers = new Set<QueryObserver>();

export function onQuery(observer: QueryObserver): () => void {
  observers.add(observer);
  return () => observers.delete(observer);
}

export function reportQuery(seconds: number, ok: boolean): void {
  for (const o of observers) o(seconds, ok);
}

/** Wrap an async method so each call is timed and reported. */
export function timed<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    const start = process.hrtime.bigint();
    let ok = false;
    try {
      const result = await fn(...args);
      ok = true;
      return result;
    } finally {
      reportQuery(Number(process.hrtime.bigint() - start) / 1e9, ok);
    }
  };
}
