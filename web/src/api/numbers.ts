import { useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import type { NumberView, Team, User } from './types.ts';

export function useNumbers() {
  return useQuery({ queryKey: ['numbers'], queryFn: () => api.get<{ data: NumberView[] }>('/api/v1/numbers'), staleTime: 60_000 });
}

export function useTeams(enabled = true) {
  return useQuery({ queryKey: ['teams'], queryFn: () => api.get<{ data: Team[] }>('/api/v1/teams'), staleTime: 60_000, enabled });
}

export function useUsers(enabled = true) {
  return useQuery({ queryKey: ['users'], queryFn: () => api.get<{ data: User[] }>('/api/v1/users'), staleTime: 60_000, enabled });
}
