/**
 * The sandbox's only source of "now". Real mode follows the wall clock (plus any manual
 * advance); virtual mode stands still until advanced, so a test can skip a day instantly.
 * Scheduled work (status webhooks, reviews, persona activity) runs on this clock.
 */
export type ClockMode = 'real' | 'virtual';

export interface Clock {
  readonly mode: ClockMode;
  now(): number;
  /** Run `task` when the clock reaches `at` (ms since epoch). Due tasks run on a later tick, never inline. */
  schedule(at: number, task: () => void): void;
  /** Move time forward; runs every task that falls due, in time order. */
  advance(ms: number): void;
  /** Jump to an absolute time (forward or backward). */
  set(at: number): void;
  pending(): number;
  clear(): void;
  stop(): void;
}

interface Task {
  at: number;
  seq: number;
  run: () => void;
}

export function createClock(mode: ClockMode, start?: number): Clock {
  let offset = 0;
  let virtualNow = start ?? Date.now();
  if (mode === 'real' && start !== undefined) offset = start - Date.now();
  const now = (): number => (mode === 'virtual' ? virtualNow : Date.now() + offset);

  // A binary heap keyed by (at, seq) keeps scheduling O(log n) under bench load.
  const heap: Task[] = [];
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let stopped = false;

  const less = (x: Task, y: Task): boolean => x.at < y.at || (x.at === y.at && x.seq < y.seq);
  const push = (t: Task): void => {
    heap.push(t);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i] as Task, heap[p] as Task)) break;
      [heap[i], heap[p]] = [heap[p] as Task, heap[i] as Task];
      i = p;
    }
  };
  const pop = (): Task | undefined => {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l] as Task, heap[m] as Task)) m = l;
        if (r < heap.length && less(heap[r] as Task, heap[m] as Task)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m] as Task, heap[i] as Task];
        i = m;
      }
    }
    return top;
  };

  const runDue = (): void => {
    immediate = undefined;
    const limit = now();
    let ran = 0;
    while (heap.length > 0 && (heap[0] as Task).at <= limit && ran < 5_000) {
      const task = pop() as Task;
      ran++;
      try {
        task.run();
      } catch (err) {
        // A failing task must not stop the others; the sandbox logs inside tasks.
        console.error('sandbox clock task failed', err);
      }
    }
    arm();
  };

  const arm = (): void => {
    if (stopped) return;
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const first = heap[0];
    if (!first) return;
    const wait = first.at - now();
    if (wait <= 0) {
      immediate ??= setImmediate(runDue);
      return;
    }
    // Virtual time only moves on advance()/set(), so no wall-clock timer is needed.
    if (mode === 'real') timer = setTimeout(runDue, Math.min(wait, 2 ** 31 - 1));
  };

  return {
    mode,
    now,
    schedule(at, run) {
      if (stopped) return;
      push({ at, seq: seq++, run });
      if ((heap[0] as Task).seq === seq - 1 || at <= now()) arm();
    },
    advance(ms) {
      if (mode === 'real') {
        offset += ms;
        arm();
        return;
      }
      // Step through due tasks so each one sees the time it was scheduled for.
      const target = virtualNow + Math.max(0, ms);
      while (heap.length > 0 && (heap[0] as Task).at <= target) {
        const task = pop() as Task;
        virtualNow = Math.max(virtualNow, task.at);
        try {
          task.run();
        } catch (err) {
          console.error('sandbox clock task failed', err);
        }
      }
      virtualNow = target;
      arm();
    },
    set(at) {
      if (mode === 'virtual' && at > virtualNow) {
        this.advance(at - virtualNow);
        return;
      }
      if (mode === 'virtual') virtualNow = at;
      else offset = at - Date.now();
      arm();
    },
    pending: () => heap.length,
    clear() {
      heap.length = 0;
      arm();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      heap.length = 0;
    },
  };
}
