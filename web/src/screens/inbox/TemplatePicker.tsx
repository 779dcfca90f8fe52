import { useState } from 'react';
import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { sendTemplate, useApprovedTemplates, useTemplatePreview, valueKey } from '../../api/templates.ts';
import type { ConversationSummary, Message } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';

/**
 * Outside the 24 h window the composer becomes this: an approved template whose variables the
 * templates API fills from the contact's fields (the template's mapping); the agent may override any.
 */
export function TemplatePicker({ conversation, onSent }: { conversation: ConversationSummary; onSent: (m: Message) => void }) {
  const { t } = useI18n();
  const templates = useApprovedTemplates(conversation.phoneNumberId);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [debouncedEdits] = useDebouncedValue(edits, 300);
  const preview = useTemplatePreview(templateId, conversation.contactId, debouncedEdits);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const choose = (id: string | null) => {
    setTemplateId(id);
    setEdits({});
    setError(null);
  };

  const send = async () => {
    if (!templateId) return;
    setSending(true);
    setError(null);
    try {
      const m = await sendTemplate(templateId, { phoneNumberId: conversation.phoneNumberId, contactId: conversation.contactId, values: edits });
      choose(null);
      onSent(m);
    } catch (err) {
      setError(errorText(err, t('app.error')));
    } finally {
      setSending(false);
    }
  };

  const p = preview.data;
  return (
    <div className="composer" data-testid="template-picker">
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          {t('template.title')}
        </Text>
        {templates.error && <ErrorMessage error={templates.error} />}
        {templates.isSuccess && templates.data.length === 0 && (
          <Alert color="yellow" p="xs">
            {t('template.none')}
          </Alert>
        )}
        <Select
          label={t('template.pick')}
          searchable
          value={templateId}
          onChange={choose}
          data={(templates.data ?? []).map((x) => ({ value: x.id, label: `${x.name} · ${x.language} · ${x.category}` }))}
          data-testid="template-select"
        />
        {templateId && preview.error && <ErrorMessage error={preview.error} />}
        {templateId && p && (
          <>
            {p.variables.length > 0 && (
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                {p.variables.map((v) => {
                  const k = valueKey(v);
                  return (
                    <TextInput
                      key={k}
                      size="xs"
                      label={v.label}
                      description={v.from && !v.from.startsWith('values.') ? t('template.fromField', { source: v.from }) : undefined}
                      value={edits[k] ?? v.value ?? ''}
                      onChange={(e) => {
                        const value = e.currentTarget.value;
                        setEdits((old) => ({ ...old, [k]: value }));
                      }}
                      required
                    />
                  );
                })}
              </SimpleGrid>
            )}
            <Paper withBorder p="xs" bg="#d9fdd3" aria-label={t('template.preview')} data-testid="template-preview">
              {p.preview.header?.text && (
                <Text size="sm" fw={700}>
                  {p.preview.header.text}
                </Text>
              )}
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {p.preview.body}
              </Text>
              {p.preview.footer && (
                <Text size="xs" c="dimmed">
                  {p.preview.footer}
                </Text>
              )}
              {p.preview.buttons.length > 0 && (
                <Group gap={4} mt={4}>
                  {p.preview.buttons.map((b, i) => (
                    <Text key={i} size="xs" px={6} py={2} bg="white" style={{ borderRadius: 6 }}>
                      {b.text}
                    </Text>
                  ))}
                </Group>
              )}
            </Paper>
            {!p.complete && p.problems[0] && (
              <Text size="xs" c="orange.8">
                {p.problems[0].message}
              </Text>
            )}
            {error && (
              <Text size="xs" c="red" role="alert">
                {error}
              </Text>
            )}
            <Group justify="flex-end">
              <Button onClick={() => void send()} loading={sending} data-testid="template-send">
                {t('template.send')}
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </div>
  );
}
