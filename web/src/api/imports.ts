import { api } from './client.ts';
import type { ImportJob, ImportPreview, ImportRow } from './types.ts';

export interface ImportOptions {
  mapping?: Record<string, string>;
  defaultCountry?: string;
  dryRun?: boolean;
}

function form(file: File, options: ImportOptions): FormData {
  const f = new FormData();
  // Options before the file: the server reads fields in order, the file streams to disk.
  f.set('options', JSON.stringify(options));
  f.set('file', file, file.name);
  return f;
}

export const previewImport = (file: File, options: ImportOptions) => api.post<ImportPreview>('/api/v1/imports/preview', form(file, options));
export const startImport = (file: File, options: ImportOptions) => api.post<ImportJob>('/api/v1/imports', form(file, options));
export const getImport = (id: string) => api.get<ImportJob>(`/api/v1/imports/${id}`);
export const importRows = (id: string, outcome: string) => api.get<{ items: ImportRow[]; nextCursor: string | null }>(`/api/v1/imports/${id}/rows`, { outcome, limit: 500 });
