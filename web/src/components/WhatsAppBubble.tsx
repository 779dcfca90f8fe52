import type { BubblePreview, PreviewButton } from '../api/templates.ts';
import { useI18n } from '../i18n/index.tsx';

const ICON: Record<string, string> = { URL: '↗', PHONE_NUMBER: '📞', COPY_CODE: '⧉', OTP: '⧉', QUICK_REPLY: '↩' };

/**
 * A template as WhatsApp shows it: header (text, media placeholder or location), body, footer and the
 * buttons under the bubble; more than 3 buttons show the first 2 and "See all options". Text only.
 */
export function WhatsAppBubble({ preview, testId = 'wa-preview' }: { preview: BubblePreview; testId?: string }) {
  const { t, time } = useI18n();
  const all = preview.buttons ?? [];
  const seeAll = preview.seeAllOptions ?? all.length > 3;
  const visible: PreviewButton[] = preview.visibleButtons ?? (seeAll ? all.slice(0, 2) : all);
  const h = preview.header;
  return (
    <div className="wa-screen" role="figure" aria-label={t('tpl.preview')} data-testid={testId}>
      <div className="wa-bubble">
        {h && h.kind === 'text' && h.text && <div className="wa-header-text">{h.text}</div>}
        {h && h.kind !== 'text' && h.kind !== 'location' && (
          <div className="wa-media" aria-label={t('tpl.mediaHeader', { kind: h.kind })}>
            {h.kind === 'image' ? '🖼' : h.kind === 'video' ? '▶' : h.kind === 'document' ? '📄' : 'GIF'}
          </div>
        )}
        {h && h.kind === 'location' && (
          <div className="wa-media" aria-label={t('tpl.locationHeader')}>
            📍
          </div>
        )}
        <div className="wa-body">{preview.body}</div>
        {preview.footer && <div className="wa-footer">{preview.footer}</div>}
        <div className="wa-time">{time(new Date())}</div>
      </div>
      {visible.map((b, i) => (
        <div key={i} className="wa-button" data-testid="wa-button">
          <span aria-hidden="true">{ICON[b.type.toUpperCase()] ?? ''}</span> {b.text}
        </div>
      ))}
      {seeAll && (
        <div className="wa-button" data-testid="wa-see-all">
          <span aria-hidden="true">☰</span> {t('tpl.seeAllOptions')}
        </div>
      )}
    </div>
  );
}
