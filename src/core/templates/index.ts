// Template authoring rules: pure functions over plain data (DESIGN.md principle 1).
export type * from './types.ts';
export { validateTemplate } from './validate-template.ts';
export { extractVariables, scanPlaceholders } from './placeholders.ts';
export type { BraceIssue, PlaceholderScan, PlaceholderToken } from './placeholders.ts';
export { templateVariables } from './template-variables.ts';
export type { ButtonVariables, TemplateVariables } from './template-variables.ts';
export { renderPreview } from './preview.ts';
export type { PreviewButton, PreviewHeader, PreviewValues, TemplatePreview, VariableValues } from './preview.ts';
export { TEMPLATE_RULES, TEMPLATE_PROBLEM_CODES } from './rules.ts';
export type { TemplateProblemCode, TemplateRule } from './rules.ts';
export { TEMPLATE_LANGUAGES, isTemplateLanguage } from './languages.ts';
export { LIMITS, minimumWordsFor } from './limits.ts';
export { wordingKey } from './duplicate-rules.ts';
