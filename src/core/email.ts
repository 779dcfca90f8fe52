// E-mail addresses as Charla accepts them: something@domain.tld, no spaces. Deliberately loose (deliverability is
// not knowable offline); the same rule for contacts, custom fields of type e-mail and text copied from chats.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Inside a sentence: stop at spaces and at the punctuation that usually ends one.
const EMAIL_IN_TEXT = /[^\s@<>()[\]{},;:"']+@[^\s@<>()[\]{},;:"']+\.[^\s@<>()[\]{},;:"']+/g;

export function isEmail(text: string): boolean {
  return EMAIL.test(text) && text.length <= 254;
}

/**
 * The one e-mail address a message carries ("Mi correo es ana@example.com, gracias" → "ana@example.com"), or
 * null when it has none or several (then a person should choose). A trailing full stop is not part of it.
 */
export function emailIn(text: string): string | null {
  const found = [...new Set((text.match(EMAIL_IN_TEXT) ?? []).map((m) => m.replace(/\.+$/, '').toLowerCase()))].filter(isEmail);
  return found.length === 1 ? found[0]! : null;
}
