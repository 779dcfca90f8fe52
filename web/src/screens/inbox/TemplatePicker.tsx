import { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { fillText, templateBody, useApprovedTemplates, useTemplatePreview, variablesOf } from '../../api/templates.ts';
import type { ConversationSummary } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorMessage } from '../../components/Problems.tsx';
import type { Outgoing } from './Composer.tsx';

/** Outside the 24 h window the composer becomes this: an approved template with its variables. */
export function TemplatePicker({ conversation, onSend }: { conversation: ConversationSummary; onSend: (out: Outgoing) => Promise<void> }) {
  const { t } = useI18n();
  const templates = useApprovedTemplates(conversation.phoneNumberId);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const tpl = templates.data?.find((x) => x.id === templateId) ?? null;
  const vars = useMemo(() => (tpl ? variablesOf(tpl.components) : []), [tpl]);
  const preview = useTemplatePreview(templateId, conversation.contactId);

  // Prefill from the contact's fields (the templates API resolves the template's mapping).
  useEffect(() => {
    const filled: Record<string, string> = {};
    for (const v of preview.data?.variables ?? []) {
      const comp = v.component.toLowerCase();
      const slot = comp === 'button' ? `button:${v.index ?? 0}:${v.key}` : `${comp}:${v.key}`;
      if (v.value) filled[slot] = v.value;
    }
    setValues(filled);
  }, [preview.data, templateId]);

  const send = async () => {
    if (!tpl) return;
    if (vars.some((v) => !values[v.slot]?.trim())) return setProblem(t('template.missing'));
    setProblem(null);
    setSending(true);
    try {
      await onSend({ body: { type: 'template', template: templateBody(tpl, values) }, preview: `📋 ${tpl.name}` });
      setTemplateId(null);
    } finally {
      setSending(false);
    }
  };

  const body = tpl?.components.find((c) => c.type.toLowerCase() === 'body')?.text ?? '';
  const header = tpl?.components.find((c) => c.type.toLowerCase() === 'header');
  const footer = tpl?.components.find((c) => c.type.toLowerCase() === 'footer')?.text;
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
          onChange={setTemplateId}
          data={(templates.data ?? []).map((x) => ({ value: x.id, label: `${x.name} · ${x.language} · ${x.category}` }))}
          data-testid="template-select"
        />
        {tpl && (
          <>
            {vars.length > 0 && (
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                {vars.map((v) => (
                  <TextInput
                    key={v.slot}
                    size="xs"
                    label={t('template.variable', { name: `{{${v.name}}}` })}
                    value={values[v.slot] ?? ''}
                    onChange={(e) => {
                      const value = e.currentTarget.value;
                      setValues((old) => ({ ...old, [v.slot]: value }));
                    }}
                    required
                  />
                ))}
              </SimpleGrid>
            )}
            <Paper withBorder p="xs" bg="#d9fdd3" aria-label={t('template.preview')} data-testid="template-preview">
              {header?.text && (
                <Text size="sm" fw={700}>
                  {fillText(header.text, 'header', values)}
                </Text>
              )}
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {fillText(body, 'body', values)}
              </Text>
              {footer && (
                <Text size="xs" c="dimmed">
                  {footer}
                </Text>
              )}
            </Paper>
            {problem && (
              <Text size="xs" c="red" role="alert">
                {problem}
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
