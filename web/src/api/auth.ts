import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, request, setCsrfToken } from './client.ts';
import type { Language, Me } from './types.ts';

export const meKey = ['me'] as const;

/** The signed-in user, or null when signed out (401 is an answer here, not an error). */
export function useMe() {
  return useQuery({
    queryKey: meKey,
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await request<Me>('/api/v1/auth/me', { quiet401: true });
        setCsrfToken(me.csrfToken);
        return me;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          setCsrfToken(null);
          return null;
        }
        throw err;
      }
    },
    staleTime: 60_000,
    retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
  });
}

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; password: string }) => request<Partial<Me>>('/api/v1/auth/login', { method: 'POST', body, quiet401: true }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: meKey });
    },
  });
}

export interface LinkInfo {
  purpose: 'owner_setup' | 'invite' | 'reset';
  email: string | null;
  name: string;
  role: string;
  hasPassword: boolean;
  expiresAt: string;
}

/** What a one-time link is for, without using it up. */
export function useLinkInfo(token: string) {
  return useQuery({
    queryKey: ['link-info', token],
    queryFn: () => request<LinkInfo>('/api/v1/auth/link-info', { method: 'POST', body: { token }, quiet401: true }),
    enabled: !!token,
    retry: false,
  });
}

/** Redeem a one-time link: invitations go to accept-invite, first-owner and reset links to link. */
export function useRedeemLink() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ invite, ...body }: { invite: boolean; token: string; password: string; name?: string; email?: string }) =>
      request<Partial<Me>>(invite ? '/api/v1/auth/accept-invite' : '/api/v1/auth/link', { method: 'POST', body, quiet401: true }),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: meKey });
    },
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>('/api/v1/auth/logout'),
    onSettled: () => {
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(meKey, null);
    },
  });
}

export function useSetMyLanguage() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (language: Language | null) => api.patch<unknown>('/api/v1/auth/me', { language }),
    onSuccess: () => qc.invalidateQueries({ queryKey: meKey }),
  });
}
