// Campaigns (src/campaigns/routes.ts) and rate cards (docs/pricing.md).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { TemplateMappingDoc } from './templates.ts';

/** Server texts come in both UI languages; the screen shows the user's. */
export interface Words {
  en: string;
  es: string;
}

export type AudienceSource = { segmentId: string } | { filter: string } | { tag: string } | { listId: string } | { contactIds: string[] };
export interface Audience {
  include: AudienceSource[];
  exclude: AudienceSource[];
}

export type Schedule = { kind: 'now' } | { kind: 'at'; at: string } | { kind: 'local_time'; time: string; date?: string };

export interface CampaignInput {
  name: string;
  phoneNumberId: string;
  templateId: string;
  mapping?: TemplateMappingDoc | null;
  audience: Audience;
  schedule: Schedule;
  sendHours?: { from: string; to: string } | null;
  endAt?: string | null;
  timeZone: string;
  currency?: string;
}

export const EXCLUSION_REASONS = ['audience_exclusion', 'invalid_number', 'phone_required', 'duplicate', 'suppressed', 'blocked', 'opted_out', 'no_consent', 'marketing_not_available'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface AudienceCounts {
  total: number;
  included: number;
  excluded: number;
  byReason: Partial<Record<ExclusionReason, number>>;
}

export interface CampaignEstimate {
  currency: string | null;
  rateCard: { id: string | null; name: string; effectiveFrom: string } | null;
  messages: number;
  charged: number;
  free: number;
  freeCustomerService: number;
  freeEntryPoint: number;
  total: string;
  totalRounded: string;
  rows: { market: string; category: string; charged: number; free: number; rate: string | null; cost: string }[];
  missingRates: string[];
  durationSeconds: number;
  finishesAt: string;
  tier: { limit: number | null; used: number; now: number; later: { at: string; count: number }[] };
}

export interface CampaignPreview {
  audience: AudienceCounts;
  estimate: CampaignEstimate;
  tier: { name: string | null; plan: { limit: number; used: number; now: number; later: { at: string; count: number }[] } };
  template: { id: string; name: string; language: string; category: string; status: string };
}

export const RECIPIENT_STATES = ['pending', 'queued', 'sent', 'delivered', 'read', 'replied', 'failed', 'skipped', 'excluded'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

export interface CampaignResults {
  progress: { total: number; done: number; fraction: number };
  funnel: {
    recipients: number;
    counts: Record<RecipientState, number>;
    reached: { sent: number; delivered: number; read: number; replied: number };
    rates: { delivered: number | null; read: number | null; replied: number | null; failed: number | null };
    skippedByReason: Record<string, number>;
  };
  errors: { code: number | null; title: string; count: number; explanation: Words; advice: Words }[];
  cost: {
    currency: string | null;
    estimated: { total: string; totalRounded: string; charged: number } | null;
    actual: { total: string; totalRounded: string; charged: number; missingRates: string[] };
    pricedMessages: number;
  };
}

export type CampaignState = 'draft' | 'launching' | 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled' | string;

export interface Campaign extends Omit<CampaignInput, 'currency'> {
  id: string;
  state: CampaignState;
  currency: string | null;
  mapping: TemplateMappingDoc | null;
  sendHours: { from: string; to: string } | null;
  endAt: string | null;
  estimate: CampaignEstimate | null;
  exclusions: AudienceCounts | null;
  rateCardId: string | null;
  launchedAt: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  updatedAt: string;
  results?: CampaignResults | null;
}

export interface RecipientRow {
  id: string;
  contactId: string;
  phone: string | null;
  name: string | null;
  state: RecipientState;
  reason: string | null;
  dueAt: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  repliedAt: string | null;
  error: { code: number | null; title: string | null; text: Words } | null;
}

export interface RecipientList {
  id: string;
  name: string;
  columns: string[];
  rows: number;
  created?: number;
  rejected: { row: number; value: string; reason: string }[];
  duplicates?: number;
  createdAt: string;
}

export const ACTIVE_STATES = new Set(['launching', 'scheduled', 'running', 'paused']);

export function useCampaigns() {
  return useQuery({
    queryKey: ['campaigns', 'list'],
    queryFn: () => api.get<{ data: Campaign[] }>('/api/v1/campaigns'),
    refetchInterval: (q) => (q.state.data?.data.some((c) => c.state === 'running' || c.state === 'launching') ? 3_000 : false),
  });
}

/** Reads and replies keep arriving after the last send: results stay live, slower, for three days. */
const SETTLING_MS = 3 * 24 * 3_600_000;

/** Live progress: polled every 1.5 s while the campaign is sending, every 20 s while its results settle. */
export function useCampaign(id: string) {
  return useQuery({
    queryKey: ['campaigns', 'one', id],
    queryFn: () => api.get<Campaign>(`/api/v1/campaigns/${id}`),
    refetchInterval: (q) => {
      const c = q.state.data;
      if (!c) return false;
      if (ACTIVE_STATES.has(c.state)) return 1_500;
      return c.completedAt && Date.now() - Date.parse(c.completedAt) < SETTLING_MS ? 20_000 : false;
    },
  });
}

export function useRecipients(id: string, state: RecipientState | null, cursor: string | null, live: boolean) {
  return useQuery({
    queryKey: ['campaigns', 'recipients', id, state, cursor],
    queryFn: () => api.get<{ data: RecipientRow[]; nextCursor: string | null }>(`/api/v1/campaigns/${id}/recipients`, { state, cursor, limit: 50 }),
    refetchInterval: live ? 3_000 : false,
    placeholderData: (prev) => prev,
  });
}

export function useRecipientLists() {
  return useQuery({ queryKey: ['campaigns', 'lists'], queryFn: () => api.get<{ data: RecipientList[] }>('/api/v1/campaigns/lists') });
}

export function useUploadList() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; csv: string; defaultCountry?: string }) => api.post<RecipientList>('/api/v1/campaigns/lists', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['campaigns', 'lists'] }),
  });
}

export function saveCampaignDraft(id: string | null, body: CampaignInput) {
  return id ? api.patch<Campaign>(`/api/v1/campaigns/${id}`, body) : api.post<Campaign>('/api/v1/campaigns', body);
}

export const previewCampaign = (id: string) => api.post<CampaignPreview>(`/api/v1/campaigns/${id}/preview`);

export function useCampaignAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'launch' | 'pause' | 'resume' | 'cancel' | 'delete' }) =>
      action === 'delete' ? api.del<void>(`/api/v1/campaigns/${id}`) : api.post<unknown>(`/api/v1/campaigns/${id}/${action}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['campaigns'] }),
  });
}

// --- rate cards ---

export interface RateCardView {
  id: string;
  name: string;
  currency: string;
  effectiveFrom: string;
  validUntil: string | null;
  markets: string[] | number;
  rates: Record<string, Record<string, string>>;
  createdAt: string;
}

export interface RateCardProblem {
  row: number;
  column?: string;
  market?: string;
  code: string;
  message: string;
}

export function useRateCards() {
  return useQuery({ queryKey: ['rate-cards'], queryFn: () => api.get<{ data: RateCardView[] }>('/api/v1/rate-cards') });
}

export function useUploadRateCard() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; csv: string; currency?: string; effectiveFrom: string }) => api.post<RateCardView>('/api/v1/rate-cards', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['rate-cards'] }),
  });
}
