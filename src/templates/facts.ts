// What preflight needs about a template, from the stored library (kept apart from service.ts so the outbox can
// import it without an import cycle).
import type { AppContext } from '../context.ts';
import type { TemplateFacts } from '../core/preflight.ts';
import type { PhoneNumberRow } from '../messaging/numbers.ts';
import { libraryTemplate, type TemplateRow } from './sync.ts';
import { withImplicitAuthBody } from './mapping.ts';

export function templateFacts(row: TemplateRow): TemplateFacts {
  return {
    name: row.name,
    language: row.language,
    category: row.category,
    status: row.status,
    pausedUntil: row.pausedUntil,
    parameter_format: row.parameterFormat === 'named' ? 'named' : 'positional',
    // Core send checks count the code parameter of an authentication body only when they see its text.
    components: withImplicitAuthBody(row.category, Array.isArray(row.components) ? row.components : []) as TemplateFacts['components'],
  };
}

/** The template a send names (WABA + name + language), synced from the Cloud API once when missing. */
export async function libraryFacts(ctx: AppContext, number: Pick<PhoneNumberRow, 'wabaId'>, name: string, language: string): Promise<TemplateFacts | null> {
  const row = await libraryTemplate(ctx, number, name, language);
  return row ? templateFacts(row) : null;
}
