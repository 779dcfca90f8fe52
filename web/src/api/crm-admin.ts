// CRM APIs beside the contacts': custom field definitions, the suppression list and organizations.
// Query keys share their first element with the contact screens' ('fields', 'organizations') so a
// change made here also refreshes what those screens have cached.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import { useChange } from './mutations.ts';
import type { ContactView } from './types.ts';

/** The types src/core/fields.ts accepts (FIELD_TYPES). */
export const FIELD_TYPES = ['text', 'number', 'date', 'boolean', 'choice', 'multi_choice', 'phone', 'email', 'url'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const FIELD_ENTITIES = ['contact', 'organization'] as const;
export type FieldEntity = (typeof FIELD_ENTITIES)[number];
export const ORGANIZATION_KINDS = ['customer', 'supplier', 'partner', 'other'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const hasOptions = (type: string): boolean => type === 'choice' || type === 'multi_choice';

export interface CustomField {
  id: string;
  entity: FieldEntity;
  key: string;
  label: string;
  type: FieldType;
  options: string[] | null;
  required: boolean;
  createdAt: string;
}

export interface NewField {
  entity: FieldEntity;
  key: string;
  label: string;
  type: FieldType;
  options?: string[] | null;
  required?: boolean;
}

/** What PATCH /fields/:id lets you change (key, type and entity are fixed once created). */
export interface FieldPatch {
  label?: string;
  options?: string[] | null;
  required?: boolean;
}

export interface Suppression {
  id: string;
  /** wa_id digits or a BSUID */
  identifier: string;
  reason: string | null;
  /** A user id, "api" for the API token, or null for older entries. */
  createdBy: string | null;
  createdAt: string;
}

export interface NewSuppression {
  identifier: string;
  reason?: string;
  defaultCountry?: string;
}

export interface OrganizationRow {
  id: string;
  name: string;
  domain: string | null;
  kind: OrganizationKind;
  /** Contacts linked to it (merged ones excluded). */
  contacts: number;
  createdAt: string;
  updatedAt: string;
}

export interface OrganizationInput {
  name: string;
  domain?: string | null;
  kind?: OrganizationKind;
  /** Custom field values by key; null clears one. Checked by the server against the definitions. */
  fields?: Record<string, unknown>;
}

/** GET /organizations/:id: the record with its custom field values and its contacts (merged ones excluded, at most 500). */
export interface OrganizationDetail {
  id: string;
  name: string;
  domain: string | null;
  kind: OrganizationKind;
  fields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  contacts: ContactView[];
}

export function useFieldDefinitions(entity: FieldEntity) {
  // Changes made here invalidate ['fields'], so other screens may keep a minute-old copy.
  return useQuery({ queryKey: ['fields', entity], queryFn: () => api.get<{ data: CustomField[] }>('/api/v1/fields', { entity }), staleTime: 60_000 });
}
export const useCreateField = () => useChange((b: NewField) => api.post<CustomField>('/api/v1/fields', b), [['fields']]);
export const useUpdateField = () => useChange((b: { id: string; patch: FieldPatch }) => api.patch<CustomField>(`/api/v1/fields/${b.id}`, b.patch), [['fields']]);
export const useDeleteField = () => useChange((id: string) => api.del(`/api/v1/fields/${id}`), [['fields']]);

export function useSuppressions() {
  return useQuery({ queryKey: ['suppressions'], queryFn: () => api.get<{ data: Suppression[] }>('/api/v1/suppressions') });
}
// Suppressing changes who campaigns may reach, so audiences are refreshed too.
export const useAddSuppression = () => useChange((b: NewSuppression) => api.post<Suppression>('/api/v1/suppressions', b), [['suppressions'], ['campaigns']]);
export const useRemoveSuppression = () => useChange((id: string) => api.del(`/api/v1/suppressions/${id}`), [['suppressions'], ['campaigns']]);

export function useOrganizationList(q: string) {
  return useQuery({ queryKey: ['organizations', 'list', q], queryFn: () => api.get<{ data: OrganizationRow[] }>('/api/v1/organizations', { q }), placeholderData: (prev) => prev, staleTime: 60_000 });
}
export const organizationKey = (id: string) => ['organizations', 'one', id] as const;
export function useOrganization(id: string) {
  return useQuery({ queryKey: organizationKey(id), queryFn: () => api.get<OrganizationDetail>(`/api/v1/organizations/${id}`) });
}
export const useCreateOrganization = () => useChange((b: OrganizationInput) => api.post<OrganizationRow>('/api/v1/organizations', b), [['organizations']]);
// Contact pages show the organization's name, and segments may select by it: both follow a rename.
export const useUpdateOrganization = () =>
  useChange((b: { id: string; patch: Partial<OrganizationInput> }) => api.patch<OrganizationDetail>(`/api/v1/organizations/${b.id}`, b.patch), [['organizations'], ['contact'], ['contacts'], ['segments']]);
/** Delete an organization; its contacts stay, unlinked. Supervisors and up (agents get 403). */
export function useDeleteOrganization() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.del(`/api/v1/organizations/${id}`),
    onSuccess: (_r, id) => {
      // Not the deleted one itself: refetching it while its page is still open would flash a 404.
      const gone = organizationKey(id);
      void qc.invalidateQueries({ queryKey: ['organizations'], predicate: (q) => !gone.every((part, i) => q.queryKey[i] === part) });
      for (const k of [['contact'], ['contacts'], ['segments']]) void qc.invalidateQueries({ queryKey: k });
    },
  });
}
