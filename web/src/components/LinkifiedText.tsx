import { Fragment } from 'react';

// Customer text is untrusted: it is only ever rendered as React text nodes. http(s) URLs become
// links; anything else (javascript:, data:, mailto:…) stays plain text.
const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING = /[.,;:!?)\]}]+$/;

export function safeHttpUrl(raw: string): string | null {
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function LinkifiedText({ text }: { text: string }) {
  const parts: (string | { href: string; label: string })[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    let label = m[0];
    const trail = TRAILING.exec(label)?.[0] ?? '';
    if (trail) label = label.slice(0, -trail.length);
    const start = m.index;
    const href = safeHttpUrl(label);
    if (start > last) parts.push(text.slice(last, start));
    if (href) parts.push({ href, label });
    else parts.push(label);
    last = start + label.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return (
    <>
      {parts.map((p, i) =>
        typeof p === 'string' ? (
          <Fragment key={i}>{p}</Fragment>
        ) : (
          <a key={i} href={p.href} target="_blank" rel="noopener noreferrer nofollow">
            {p.label}
          </a>
        ),
      )}
    </>
  );
}
