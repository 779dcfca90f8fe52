import type { ProblemAt } from './problems.ts';
import type { ParameterFormat, TemplateCategory, TemplateProblem } from './types.ts';

/** What one validation run accumulates as it walks the definition. */
export interface ValidationContext {
  /** The category when it is one of the three valid ones. */
  category: TemplateCategory | undefined;
  format: ParameterFormat;
  problems: TemplateProblem[];
  headerFormat?: string | undefined;
  bodyText?: string;
  footerText?: string;
  /** Every free text seen (header, body, footer, button labels), for the AUTHENTICATION scans. */
  texts: { at: ProblemAt; label: string; text: string }[];
  /** Every example value for a variable, for the AUTHENTICATION 15-character rule. */
  exampleValues: { at: ProblemAt; label: string; raw: string; position: number; value: string }[];
  hasOtpButton: boolean;
  urlButtons: { at: ProblemAt; label: string }[];
}

export function newContext(category: TemplateCategory | undefined, format: ParameterFormat): ValidationContext {
  return { category, format, problems: [], texts: [], exampleValues: [], hasOtpButton: false, urlButtons: [] };
}
