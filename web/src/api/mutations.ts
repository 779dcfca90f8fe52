import { useMutation, useQueryClient } from '@tanstack/react-query';

/** A mutation that refreshes everything under the given query-key prefixes once it succeeds. */
export function useChange<T, R = unknown>(fn: (body: T) => Promise<R>, prefixes: string[][]) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => prefixes.forEach((k) => void qc.invalidateQueries({ queryKey: k })) });
}
