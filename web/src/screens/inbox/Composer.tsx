import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ActionIcon, Badge, Button, CloseButton, FileButton, Group, Paper, Popover, SegmentedControl, SimpleGrid, Stack, Text, Textarea, UnstyledButton } from '@mantine/core';
import { useAddNote, useQuickReplies, uploadMedia } from '../../api/inbox.ts';
import type { ConversationSummary, QuickReply } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../components/Problems.tsx';
import { EMOJI } from './emoji.ts';

export interface Outgoing {
  /** The Cloud API body without sender and recipient (the thread adds them). */
  body: { type: string } & Record<string, unknown>;
  /** What to show in the optimistic bubble. */
  preview: string;
}

interface Attachment {
  name: string;
  kind: string;
  id: string;
}

export function Composer({ conversation, onSend }: { conversation: ConversationSummary; onSend: (out: Outgoing) => void }) {
  const { t, lang } = useI18n();
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [text, setText] = useState('');
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [attachment, setAttachment] = useState<Attachment | null>(null);
  const [uploading, setUploading] = useState<string | null>(null);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [qrIndex, setQrIndex] = useState(0);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const quickReplies = useQuickReplies();
  const addNote = useAddNote(conversation.id);

  // "/" at the start of the box opens quick replies filtered by what follows it.
  const slash = mode === 'reply' && text.startsWith('/') && !text.includes('\n') ? text.slice(1).toLowerCase() : null;
  const matches: QuickReply[] = useMemo(() => {
    if (slash === null) return [];
    const all = quickReplies.data?.data ?? [];
    return all
      .filter((q) => !q.language || q.language === lang || all.every((o) => o.shortcut !== q.shortcut || o === q))
      .filter((q) => q.shortcut.toLowerCase().includes(slash) || q.title.toLowerCase().includes(slash))
      .slice(0, 8);
  }, [slash, quickReplies.data, lang]);

  const pickQuickReply = (q: QuickReply) => {
    setText(q.body);
    setQrIndex(0);
    inputRef.current?.focus();
  };

  const insertEmoji = (e: string) => {
    const el = inputRef.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    setText(text.slice(0, start) + e + text.slice(end));
    setEmojiOpen(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + e.length, start + e.length);
    });
  };

  const onFile = async (file: File | null) => {
    if (!file) return;
    setUploadError(null);
    setUploading(file.name);
    try {
      const up = await uploadMedia(conversation.phoneNumberId, file);
      setAttachment({ name: file.name, kind: up.kind, id: up.id });
    } catch (err) {
      setUploadError(errorText(err, t('app.error')));
    } finally {
      setUploading(null);
    }
  };

  const submit = () => {
    const body = text.trim();
    if (mode === 'note') {
      if (!body) return;
      addNote.mutate({ body }, { onSuccess: () => setText('') });
      return;
    }
    if (attachment) {
      const media: Record<string, unknown> = { id: attachment.id };
      if (body && attachment.kind !== 'audio' && attachment.kind !== 'sticker') media.caption = body;
      if (attachment.kind === 'document') media.filename = attachment.name;
      onSend({ body: { type: attachment.kind, [attachment.kind]: media }, preview: `📎 ${attachment.name}${body ? `\n${body}` : ''}` });
      setAttachment(null);
      setText('');
      return;
    }
    if (!body) return;
    onSend({ body: { type: 'text', text: { body, preview_url: /https?:\/\//.test(body) } }, preview: body });
    setText('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (matches.length > 0) {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        setQrIndex((i) => (i + 1) % matches.length);
        return;
      }
      if (e.key === 'ArrowUp') {
        e.preventDefault();
        setQrIndex((i) => (i - 1 + matches.length) % matches.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        const q = matches[Math.min(qrIndex, matches.length - 1)];
        if (q) pickQuickReply(q);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setText('');
        return;
      }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <div className={`composer ${mode === 'note' ? 'composer-note' : ''}`} data-testid="composer">
      {matches.length > 0 && (
        <Paper withBorder shadow="sm" p={4} mb={6} role="listbox" aria-label={t('composer.quickReplies')} data-testid="quick-replies">
          {matches.map((q, i) => (
            <UnstyledButton
              key={q.id}
              role="option"
              aria-selected={i === qrIndex}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pickQuickReply(q)}
              w="100%"
              p={6}
              style={{ borderRadius: 6, background: i === qrIndex ? 'var(--mantine-color-teal-0)' : undefined }}
            >
              <Text size="sm" fw={600}>
                /{q.shortcut} · {q.title}
              </Text>
              <Text size="xs" c="dimmed" truncate>
                {q.body}
              </Text>
            </UnstyledButton>
          ))}
        </Paper>
      )}
      {slash !== null && matches.length === 0 && quickReplies.isSuccess && (
        <Text size="xs" c="dimmed" mb={4}>
          {t('composer.noQuickReplies')}
        </Text>
      )}
      {(attachment || uploading || uploadError) && (
        <Group gap="xs" mb={6}>
          {uploading && <Badge variant="light">{t('composer.uploading', { name: uploading })}</Badge>}
          {attachment && (
            <Badge variant="light" rightSection={<CloseButton size="xs" aria-label={t('composer.removeAttachment')} onClick={() => setAttachment(null)} />}>
              {t('composer.attached', { name: attachment.name })}
            </Badge>
          )}
          {uploadError && (
            <Text size="xs" c="red" role="alert">
              {uploadError}
            </Text>
          )}
        </Group>
      )}
      <Group align="flex-end" gap="xs" wrap="nowrap">
        <Stack gap={4}>
          <SegmentedControl
            size="xs"
            orientation="vertical"
            aria-label={t('composer.message')}
            value={mode}
            onChange={(v) => setMode(v as 'reply' | 'note')}
            data={[
              { value: 'reply', label: t('composer.mode.reply') },
              { value: 'note', label: t('composer.mode.note') },
            ]}
          />
        </Stack>
        <Textarea
          ref={inputRef}
          aria-label={mode === 'note' ? t('thread.note') : t('composer.message')}
          placeholder={mode === 'note' ? t('composer.notePlaceholder') : attachment ? t('composer.caption') : t('composer.placeholder')}
          autosize
          minRows={2}
          maxRows={8}
          style={{ flex: 1 }}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          data-testid="composer-input"
        />
        <Stack gap={4}>
          <Group gap={4} wrap="nowrap">
            <Popover opened={emojiOpen} onChange={setEmojiOpen} position="top-end" withArrow trapFocus returnFocus>
              <Popover.Target>
                <ActionIcon variant="default" size="lg" aria-label={t('composer.emoji')} onClick={() => setEmojiOpen((o) => !o)}>
                  🙂
                </ActionIcon>
              </Popover.Target>
              <Popover.Dropdown>
                <SimpleGrid cols={8} spacing={2} role="group" aria-label={t('composer.emoji')}>
                  {EMOJI.map((e) => (
                    <ActionIcon key={e} variant="subtle" size="md" onClick={() => insertEmoji(e)} aria-label={e}>
                      <span style={{ fontSize: 18 }}>{e}</span>
                    </ActionIcon>
                  ))}
                </SimpleGrid>
              </Popover.Dropdown>
            </Popover>
            {mode === 'reply' && (
              <FileButton onChange={(f) => void onFile(f)} accept="image/*,video/*,audio/*,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv">
                {(props) => (
                  <ActionIcon {...props} variant="default" size="lg" aria-label={t('composer.attach')}>
                    📎
                  </ActionIcon>
                )}
              </FileButton>
            )}
          </Group>
          <Button onClick={submit} loading={addNote.isPending} disabled={!!uploading} data-testid="composer-send" color={mode === 'note' ? 'yellow' : 'teal'}>
            {mode === 'note' ? t('composer.addNote') : t('composer.send')}
          </Button>
        </Stack>
      </Group>
      {addNote.error && (
        <Text size="xs" c="red" role="alert" mt={4}>
          {errorText(addNote.error, t('app.error'))}
        </Text>
      )}
    </div>
  );
}
