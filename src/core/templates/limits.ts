// Numbers from whatsapp-cloud-api.md §4.3 ("Creation rules") and the §4.3 category notes.

export const LIMITS = {
  nameMaxLength: 512,
  headerTextMaxLength: 60,
  headerTextMaxVariables: 1,
  bodyMaxLength: 1024,
  footerMaxLength: 60,
  buttonsMax: 10,
  quickReplyMax: 10,
  urlButtonMax: 2,
  phoneButtonMax: 1,
  copyCodeButtonMax: 1,
  buttonTextMaxLength: 25,
  buttonUrlMaxLength: 2000,
  buttonPhoneMaxLength: 20,
  copyCodeExampleMaxLength: 15,
  authParameterMaxLength: 15,
  /** More than this many buttons: WhatsApp shows the first 2 plus "See all options". */
  buttonsShownInline: 3,
} as const;

/**
 * "Too many variables for the text length" (Meta 2388293). Meta publishes no number. We use the rule
 * BSPs converged on after rejections (Syniverse and Mercuri help pages):
 *   words + variables ≥ 3 × variables + 1
 * where words are whitespace-separated runs outside the placeholders that contain a letter or digit.
 * One variable needs 3 words, two need 5, five need 11.
 */
export const WORDS_PER_VARIABLE = 2;
export const EXTRA_WORDS = 1;

export function minimumWordsFor(variableCount: number): number {
  return variableCount === 0 ? 0 : WORDS_PER_VARIABLE * variableCount + EXTRA_WORDS;
}

/** Length as Meta's limits are stated: in characters (Unicode code points), not UTF-16 units. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
