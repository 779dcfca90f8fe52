import { Anchor, Button, Group, Stack, Text } from '@mantine/core';
import type { Message, MessageError } from '../../api/types.ts';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { LinkifiedText, safeHttpUrl } from '../../components/LinkifiedText.tsx';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Rec) : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** One-line summary for quotes and lists. */
export function previewText(m: Pick<Message, 'type' | 'content'>, t: I18n['t']): string {
  const c = rec(m.content) ?? {};
  const part = rec(c[m.type]);
  switch (m.type) {
    case 'text':
      return str(part?.body) ?? '';
    case 'image':
      return `📷 ${str(part?.caption) ?? t('msg.image')}`;
    case 'video':
      return `🎬 ${str(part?.caption) ?? t('msg.video')}`;
    case 'audio':
      return `🎤 ${part?.voice ? t('msg.voice') : t('msg.audio')}`;
    case 'document':
      return `📄 ${str(part?.filename) ?? str(part?.caption) ?? t('msg.document')}`;
    case 'sticker':
      return t('msg.sticker');
    case 'location':
      return `📍 ${str(part?.name) ?? str(part?.address) ?? t('msg.location')}`;
    case 'contacts':
      return `👤 ${t('msg.contacts')}`;
    case 'button':
      return str(part?.text) ?? t('msg.button');
    case 'interactive': {
      const reply = rec(part?.button_reply) ?? rec(part?.list_reply);
      const body = rec(part?.body);
      return str(reply?.title) ?? str(body?.text) ?? t('msg.interactive');
    }
    case 'template':
      return t('msg.template', { name: str(part?.name) ?? '' });
    case 'reaction':
      return t('msg.reaction', { emoji: str(part?.emoji) ?? '' });
    default:
      return m.type;
  }
}

function Ticks({ m }: { m: Message }) {
  const { t } = useI18n();
  const s = m.status;
  if (s === 'failed') return <span className="ticks ticks-failed" aria-label={t('status.failed')} title={t('status.failed')} data-status="failed">⚠</span>;
  if (s === 'read' || s === 'played') return <span className="ticks ticks-read" aria-label={t('status.read')} title={t('status.read')} data-status="read">✓✓</span>;
  if (s === 'delivered') return <span className="ticks" aria-label={t('status.delivered')} title={t('status.delivered')} data-status="delivered">✓✓</span>;
  if (s === 'sent') return <span className="ticks" aria-label={t('status.sent')} title={t('status.sent')} data-status="sent">✓</span>;
  return <span className="ticks" aria-label={t('status.queued')} title={t(s === 'accepted' ? 'status.accepted' : 'status.queued')} data-status={s}>🕓</span>;
}

/** Meta's error in the user's language: explanation, then advice; else the English text. */
export function failureText(m: Pick<Message, 'errors' | 'errorText'> & { error?: MessageError | null }, lang: 'es' | 'en'): string {
  const e: MessageError | undefined = m.error ?? m.errors?.[0];
  const expl = e?.explanation?.[lang] ?? e?.explanation?.en;
  const advice = e?.advice?.[lang] ?? e?.advice?.en;
  if (expl) return [expl, advice].filter(Boolean).join(' ');
  return m.errorText ?? e?.title ?? e?.message ?? '';
}

function MediaView({ m, kind }: { m: Message; kind: string }) {
  const { t } = useI18n();
  const part = rec(rec(m.content)?.[kind]) ?? {};
  // Inbound files are stored by Charla; outbound ones are shown from their link when it is http(s).
  const src = m.direction === 'in' ? `/api/v1/messages/${m.id}/media` : (str(part.link) && safeHttpUrl(String(part.link))) || null;
  const caption = str(part.caption);
  const name = str(part.filename) ?? t('msg.document');
  let body: React.ReactNode;
  if (!src) body = <Text size="sm" c="dimmed">{previewText(m, t)}</Text>;
  else if (kind === 'image' || kind === 'sticker') body = <img className="media-img" src={src} alt={caption ?? t(kind === 'image' ? 'msg.image' : 'msg.sticker')} loading="lazy" />;
  else if (kind === 'video') body = <video src={src} controls preload="metadata" style={{ maxWidth: 320 }} aria-label={t('msg.video')} />;
  else if (kind === 'audio')
    body = (
      <Stack gap={2}>
        <Text size="xs" c="dimmed">{part.voice ? `🎤 ${t('msg.voice')}` : `🎵 ${t('msg.audio')}`}</Text>
        <audio src={src} controls preload="metadata" aria-label={part.voice ? t('msg.voice') : t('msg.audio')} />
      </Stack>
    );
  else
    body = (
      <Anchor href={src} download={name} rel="noopener noreferrer nofollow">
        📄 {t('msg.download', { name })}
      </Anchor>
    );
  return (
    <Stack gap={4}>
      {body}
      {caption && <LinkifiedText text={caption} />}
    </Stack>
  );
}

function ContentView({ m }: { m: Message }) {
  const { t } = useI18n();
  const c = rec(m.content) ?? {};
  const part = rec(c[m.type]);
  switch (m.type) {
    case 'text':
      return <LinkifiedText text={str(part?.body) ?? ''} />;
    case 'image':
    case 'video':
    case 'audio':
    case 'document':
    case 'sticker':
      return <MediaView m={m} kind={m.type} />;
    case 'location': {
      const lat = Number(part?.latitude);
      const lng = Number(part?.longitude);
      const ok = Number.isFinite(lat) && Number.isFinite(lng);
      return (
        <Stack gap={2}>
          <Text size="sm">📍 {str(part?.name) ?? t('msg.location')}</Text>
          {str(part?.address) && <Text size="xs">{String(part?.address)}</Text>}
          {ok && (
            <Anchor size="sm" href={`https://www.openstreetmap.org/?mlat=${lat}&mlon=${lng}#map=16/${lat}/${lng}`} target="_blank" rel="noopener noreferrer nofollow">
              {t('msg.openMap')} ({lat.toFixed(5)}, {lng.toFixed(5)})
            </Anchor>
          )}
        </Stack>
      );
    }
    case 'contacts': {
      const list = Array.isArray(c.contacts) ? (c.contacts as unknown[]) : [];
      return (
        <Stack gap={4}>
          {list.map((raw, i) => {
            const card = rec(raw) ?? {};
            const name = str(rec(card.name)?.formatted_name) ?? '';
            const phones = Array.isArray(card.phones) ? (card.phones as unknown[]).map((p) => str(rec(p)?.phone)).filter((p): p is string => !!p) : [];
            const emails = Array.isArray(card.emails) ? (card.emails as unknown[]).map((p) => str(rec(p)?.email)).filter((p): p is string => !!p) : [];
            return (
              <div key={i}>
                <Text size="sm" fw={600}>👤 {name || t('msg.contacts')}</Text>
                {phones.map((p) => <Text size="xs" key={p}>{p}</Text>)}
                {emails.map((p) => <Text size="xs" key={p}>{p}</Text>)}
              </div>
            );
          })}
        </Stack>
      );
    }
    case 'button':
      return (
        <Text size="sm">
          <Text span size="xs" c="dimmed">{t('msg.buttonReply')}: </Text>
          {str(part?.text) ?? ''}
        </Text>
      );
    case 'interactive': {
      const reply = rec(part?.button_reply) ?? rec(part?.list_reply);
      if (reply) {
        return (
          <Text size="sm">
            <Text span size="xs" c="dimmed">{part?.list_reply ? t('msg.listReply') : t('msg.buttonReply')}: </Text>
            {str(reply.title) ?? ''}
            {str(reply.description) && <Text span size="xs" c="dimmed"> — {String(reply.description)}</Text>}
          </Text>
        );
      }
      const body = str(rec(part?.body)?.text);
      const action = rec(part?.action);
      const buttons = Array.isArray(action?.buttons) ? (action.buttons as unknown[]).map((b) => str(rec(rec(b)?.reply)?.title)).filter((b): b is string => !!b) : [];
      return (
        <Stack gap={4}>
          {body ? <LinkifiedText text={body} /> : <Text size="sm">{t('msg.interactive')}</Text>}
          {buttons.length > 0 && <Group gap={4}>{buttons.map((b) => <Text key={b} size="xs" px={6} py={2} bg="white" style={{ borderRadius: 6 }}>{b}</Text>)}</Group>}
        </Stack>
      );
    }
    case 'template': {
      const name = str(part?.name) ?? '';
      const comps = Array.isArray(part?.components) ? (part.components as unknown[]) : [];
      const values = comps
        .flatMap((cp) => {
          const params = rec(cp)?.parameters;
          return Array.isArray(params) ? (params as unknown[]) : [];
        })
        .map((p) => str(rec(p)?.text))
        .filter((v): v is string => !!v);
      return (
        <Stack gap={2}>
          <Text size="xs" c="dimmed">📋 {t('msg.template', { name })}</Text>
          {values.length > 0 && <Text size="sm">{values.join(' · ')}</Text>}
        </Stack>
      );
    }
    case 'order': {
      const items = Array.isArray(part?.product_items) ? part.product_items.length : 0;
      return <Text size="sm">🛒 {t('msg.order', { count: items })}</Text>;
    }
    case 'unsupported':
    case 'unknown':
      return <Text size="sm" c="dimmed">{t('msg.unsupported', { type: m.type })}</Text>;
    case 'system':
      return <Text size="sm" c="dimmed">{t('msg.system')}: {str(part?.body) ?? ''}</Text>;
    default:
      return <Text size="sm" c="dimmed">{previewText(m, t)}</Text>;
  }
}

/**
 * The text "copy this message into a field" takes from a customer's message: the server's messageText
 * (src/core/message-text.ts, with its table test), mirrored because the web app does not import server code.
 * null when there is none (media alone, location, reaction).
 */
export function copyableText(m: Pick<Message, 'type' | 'content' | 'direction'>): string | null {
  if (m.direction !== 'in') return null;
  const c = rec(m.content) ?? {};
  const interactive = rec(c.interactive);
  return (
    str(rec(c.text)?.body) ??
    str(rec(c.button)?.text) ??
    str(rec(interactive?.button_reply)?.title) ??
    str(rec(interactive?.list_reply)?.title) ??
    str(rec(c[m.type])?.caption)
  );
}

export interface BubbleProps {
  m: Message;
  quoted?: Message | null | undefined;
  quotedText?: string | null | undefined;
  reactions?: string[] | undefined;
  onRetry?: ((m: Message) => void) | undefined;
  /** Offered on customers' messages that carry text. */
  onCopyToField?: ((m: Message) => void) | undefined;
}

export function MessageBubble({ m, quoted, quotedText, reactions, onRetry, onCopyToField }: BubbleProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const failed = m.status === 'failed';
  const referral = rec(rec(m.content)?.referral);
  return (
    <div
      className={`bubble ${m.direction === 'in' ? 'bubble-in' : 'bubble-out'} ${failed ? 'bubble-failed' : ''}`}
      data-testid="message"
      data-direction={m.direction}
      data-type={m.type}
      data-status={m.status}
    >
      {referral && <Text size="xs" c="grape.7">📣 {t('msg.fromAd')}{str(referral.headline) ? `: ${String(referral.headline)}` : ''}</Text>}
      {(quoted || quotedText) && (
        <div className="quoted" aria-label={t('msg.replyTo')}>
          {quoted ? previewText(quoted, t) : quotedText}
        </div>
      )}
      <ContentView m={m} />
      {reactions && reactions.length > 0 && <div className="reactions" aria-label={t('msg.reaction', { emoji: reactions.join(' ') })}>{reactions.join(' ')}</div>}
      <div className="bubble-meta">
        {onCopyToField && copyableText(m) !== null && (
          <Button size="compact-xs" variant="subtle" color="gray" mr="auto" onClick={() => onCopyToField(m)} data-testid="copy-to-field">
            {t('msg.copyToField')}
          </Button>
        )}
        {m.author && <span>{m.author.name} ·</span>}
        <time dateTime={m.at} title={i18n.dateTime(m.at)}>{i18n.time(m.at)}</time>
        {m.direction === 'out' && <Ticks m={m} />}
      </div>
      {failed && (
        <Group gap="xs" mt={4} wrap="nowrap" align="flex-start">
          <Text size="xs" c="red.8" role="alert" data-testid="failure-reason">
            {t('status.failedWith', { reason: failureText(m, i18n.lang) })}
          </Text>
          {onRetry && (
            <Button size="compact-xs" variant="light" color="red" onClick={() => onRetry(m)}>
              {t('status.retry')}
            </Button>
          )}
        </Group>
      )}
    </div>
  );
}
