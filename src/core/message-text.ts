// The text a customer's message carries, where Meta puts it for each type: a text's body, a quick-reply
// button's text, an interactive button or list reply's title, a media caption. The web app's copyableText
// (web/src/screens/inbox/MessageBubble.tsx) mirrors this to decide where "Copy to field" is offered.

type Content = Record<string, unknown>;
const obj = (v: unknown): Content | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Content) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** null when the message has no text (media alone, a location, a reaction…). */
export function messageText(type: string, content: unknown): string | null {
  const c = obj(content) ?? {};
  const interactive = obj(c.interactive);
  return (
    str(obj(c.text)?.body) ??
    str(obj(c.button)?.text) ??
    str(obj(interactive?.button_reply)?.title) ??
    str(obj(interactive?.list_reply)?.title) ??
    str(obj(c[type])?.caption)
  );
}
