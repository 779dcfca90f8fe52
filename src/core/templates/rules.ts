// Every authoring rule the validator checks: our code, the Meta error code it would cause when the
// spec names one (whatsapp-cloud-api.md §2.2), and where the rule comes from. docs/templates-rules.md
// is the prose version of this table; a test keeps both in step with the test rows.

export interface TemplateRule {
  /** Meta's create-time error code, when whatsapp-cloud-api.md ties one to the rule. */
  metaCode?: number;
  /** Section of whatsapp-cloud-api.md (or "ours" for a guard of our own). */
  source: string;
  summary: string;
}

const TOO_LONG = 2388040;
const BAD_FORMAT = 2388047;
const TOO_MANY_VARIABLES = 2388293;
const LEADING_TRAILING = 2388299;

export const TEMPLATE_RULES = {
  'template.not_object': { source: 'ours', summary: 'The definition must be a JSON object.' },
  'template.internal_error': { source: 'ours', summary: 'The validator hit a bug; the definition is not known to be valid.' },

  'name.missing': { source: '§4.3 name', summary: 'A name is required.' },
  'name.invalid_characters': { source: '§4.3 name', summary: 'Names use lowercase a-z, 0-9 and _ only.' },
  'name.too_long': { metaCode: TOO_LONG, source: '§4.3 name', summary: 'Names are at most 512 characters.' },

  'language.missing': { source: '§4.3 Languages', summary: 'A language code is required.' },
  'language.unknown': { source: '§4.3 Languages', summary: 'The language must be one of Meta’s template language codes.' },

  'category.missing': { source: '§4.3 Categories', summary: 'A category is required.' },
  'category.invalid': { source: '§4.3 Categories', summary: 'Category is MARKETING, UTILITY or AUTHENTICATION.' },

  'parameter_format.invalid': { source: '§4.3 parameter_format', summary: 'parameter_format is positional or named.' },

  'components.missing': { source: '§6 create template', summary: 'components must be a list.' },
  'component.invalid': { source: '§6 create template', summary: 'Each component is an object with a known type.' },
  'component.duplicate': { source: '§4.3 header/body/footer', summary: 'At most one HEADER, BODY, FOOTER and BUTTONS component.' },

  'body.missing': { source: '§4.3 body', summary: 'A BODY component is required.' },
  'body.text_missing': { source: '§4.3 body', summary: 'The body needs text (except AUTHENTICATION, whose wording Meta supplies).' },
  'body.too_long': { metaCode: TOO_LONG, source: '§4.3 body', summary: 'Body text is at most 1024 characters.' },

  'header.format_invalid': { metaCode: BAD_FORMAT, source: '§4.3 header', summary: 'Header format is TEXT, IMAGE, VIDEO, DOCUMENT, GIF or LOCATION.' },
  'header.text_missing': { metaCode: BAD_FORMAT, source: '§4.3 header', summary: 'A TEXT header needs text.' },
  'header.too_long': { metaCode: TOO_LONG, source: '§4.3 header', summary: 'Header text is at most 60 characters.' },
  'header.too_many_variables': { metaCode: BAD_FORMAT, source: '§4.3 header', summary: 'A TEXT header has at most one variable.' },
  'header.media_example_missing': { source: '§4.3 header', summary: 'A media header needs example.header_handle from the Resumable Upload API.' },
  'header.location_category': { source: '§4.3 header', summary: 'LOCATION headers are for UTILITY and MARKETING only.' },

  'footer.text_missing': { metaCode: BAD_FORMAT, source: '§4.3 footer', summary: 'A FOOTER needs text.' },
  'footer.too_long': { metaCode: TOO_LONG, source: '§4.3 footer', summary: 'Footer text is at most 60 characters.' },
  'footer.variables': { metaCode: BAD_FORMAT, source: '§4.3 footer', summary: 'Footers cannot contain variables.' },

  'variable.unbalanced_braces': { metaCode: BAD_FORMAT, source: '§4.3 positional var', summary: 'Every {{ has a matching }} and the other way round.' },
  'variable.invalid': { metaCode: BAD_FORMAT, source: '§4.3 positional/named var', summary: 'Only {{1}}, {{2}}… or {{lowercase_name}} inside braces; no #, $, %, spaces or capitals.' },
  'variable.wrong_format': { metaCode: BAD_FORMAT, source: '§4.3 parameter_format; §1.5', summary: 'Header and body variables use the style parameter_format declares.' },
  'variable.sequence': { metaCode: BAD_FORMAT, source: '§4.3 positional var', summary: 'Positional variables go {{1}}, {{2}}, {{3}}… in order, without gaps.' },
  'variable.repeated': { metaCode: BAD_FORMAT, source: '§4.3 positional/named var', summary: 'A variable appears once per text.' },
  'variable.leading': { metaCode: LEADING_TRAILING, source: '§4.3 placement', summary: 'No variable at the very start of the text.' },
  'variable.trailing': { metaCode: LEADING_TRAILING, source: '§4.3 placement', summary: 'No variable at the very end of the text.' },
  'variable.adjacent': { metaCode: BAD_FORMAT, source: '§4.3 placement', summary: 'Two variables need words between them.' },
  'variable.too_many_for_length': { metaCode: TOO_MANY_VARIABLES, source: '§4.3 placement', summary: 'words + variables ≥ 3 × variables + 1 (our threshold; Meta publishes none).' },

  'example.missing': { source: '§4.3 parameter_format', summary: 'Every variable needs an example value.' },
  'example.count_mismatch': { source: '§4.3 parameter_format', summary: 'As many positional examples as variables.' },
  'example.unknown_name': { source: '§4.3 parameter_format', summary: 'Named examples only for names used in the text.' },
  'example.empty': { source: '§4.3 parameter_format', summary: 'Example values are not empty.' },

  'buttons.empty': { source: '§4.3 buttons', summary: 'A BUTTONS component lists at least one button.' },
  'buttons.too_many': { source: '§4.3 buttons', summary: 'At most 10 buttons in total.' },
  'buttons.too_many_of_type': { source: '§4.3 buttons', summary: 'QUICK_REPLY ≤ 10, URL ≤ 2, PHONE_NUMBER ≤ 1, COPY_CODE ≤ 1.' },
  'buttons.quick_replies_not_grouped': { source: '§4.3 buttons', summary: 'Quick replies sit together, before or after the other buttons.' },
  'button.invalid': { source: '§4.3 buttons', summary: 'Each button is an object with a known type.' },
  'button.text_missing': { source: '§4.3 buttons', summary: 'Buttons need a label.' },
  'button.text_too_long': { metaCode: TOO_LONG, source: '§4.3 buttons', summary: 'Button labels are at most 25 characters.' },
  'button.url_missing': { source: '§4.3 buttons', summary: 'URL buttons need a url.' },
  'button.url_too_long': { metaCode: TOO_LONG, source: '§4.3 buttons', summary: 'Button URLs are at most 2000 characters.' },
  'button.url_scheme': { source: '§4.3 buttons', summary: 'Button URLs are absolute http:// or https:// addresses.' },
  'button.url_variables': { source: '§4.3 buttons', summary: 'A button URL has at most one variable, valid, and only at its very end.' },
  'button.phone_missing': { source: '§4.3 buttons', summary: 'PHONE_NUMBER buttons need a phone_number.' },
  'button.phone_too_long': { metaCode: TOO_LONG, source: '§4.3 buttons', summary: 'Button phone numbers are at most 20 characters.' },
  'button.phone_invalid': { source: '§4.3 buttons; §2 stack (E.164)', summary: 'Button phone numbers look like E.164: country code and 7–15 digits.' },
  'button.copy_code_example': { source: '§4.3 buttons', summary: 'COPY_CODE buttons need an example code of 1–15 characters.' },
  'button.otp_type': { source: '§4.3 Categories', summary: 'OTP buttons are COPY_CODE, ONE_TAP or ZERO_TAP.' },
  'button.otp_category': { source: '§4.3 Categories', summary: 'OTP buttons belong to AUTHENTICATION templates.' },

  'auth.otp_button_missing': { source: '§4.3 Categories', summary: 'AUTHENTICATION templates need an OTP button.' },
  'auth.url_button': { source: '§4.3 Categories', summary: 'AUTHENTICATION templates have no URL buttons.' },
  'auth.url_in_text': { source: '§4.3 Categories', summary: 'AUTHENTICATION templates contain no URLs.' },
  'auth.media_header': { source: '§4.3 Categories', summary: 'AUTHENTICATION templates have no media header.' },
  'auth.emoji': { source: '§4.3 Categories', summary: 'AUTHENTICATION templates contain no emoji.' },
  'auth.parameter_too_long': { source: '§4.3 Categories', summary: 'AUTHENTICATION parameters (examples) are at most 15 characters.' },

  'duplicate.wording': { source: '§4.3 duplicates', summary: 'Body + footer wording differs from every existing template in the same language.' },
} as const satisfies Record<string, TemplateRule>;

export type TemplateProblemCode = keyof typeof TEMPLATE_RULES;

export const TEMPLATE_PROBLEM_CODES = Object.keys(TEMPLATE_RULES) as TemplateProblemCode[];

export function metaCodeFor(code: TemplateProblemCode): number | undefined {
  const rule: TemplateRule = TEMPLATE_RULES[code];
  return rule.metaCode;
}
