// Finds emoji and URLs in free text, for the AUTHENTICATION rules (whatsapp-cloud-api.md §4.3:
// "no URLs, media or emoji").

// Pictographs, unless forced to text style with VS15; ©, ® and ™ are pictographic in Unicode but
// only count as emoji when followed by VS16. Regional-indicator pairs are flags; a keycap is a
// digit/#/* followed by VS16? and U+20E3.
const EMOJI = /(?:[#*0-9]\uFE0F?\u20E3)|\p{Regional_Indicator}{2}|(?:[\u00A9\u00AE\u2122]\uFE0F)|(?![\u00A9\u00AE\u2122])\p{Extended_Pictographic}(?!\uFE0E)/u;

/** Offset of the first emoji, or undefined. */
export function findEmoji(text: string): number | undefined {
  const m = EMOJI.exec(text);
  return m ? m.index : undefined;
}

// A scheme URL, or a bare www. host.
const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)\S/iu;

/** Offset of the first URL, or undefined. */
export function findUrl(text: string): number | undefined {
  const m = URL_IN_TEXT.exec(text);
  return m ? m.index : undefined;
}
