import { useState } from 'react';
import { Alert, Button, Center, Group, Loader, Paper, SimpleGrid, Stack, Text, Timeline, Title } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useContactPreview, useTemplate, useTemplateAction } from '../../api/templates.ts';
import { ButtonLink } from '../../components/links.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';
import { WhatsAppBubble } from '../../components/WhatsAppBubble.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ContactPicker } from './ContactPicker.tsx';
import { MappingEditor } from './MappingEditor.tsx';
import { QualityDot, StatusBadge } from './TemplatesScreen.tsx';
import { labelOf } from './model.ts';

export function TemplateDetailScreen({ templateId }: { templateId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { isAdmin } = useSession();
  const navigate = useNavigate();
  const tpl = useTemplate(templateId);
  const action = useTemplateAction();
  const [contactId, setContactId] = useState<string | null>(null);
  const contactPreview = useContactPreview(contactId ? templateId : null, contactId);
  if (tpl.error) return <ErrorMessage error={tpl.error} onRetry={() => void tpl.refetch()} />;
  const d = tpl.data;
  if (!d) {
    return (
      <Center p="xl">
        <Loader />
      </Center>
    );
  }
  const canEdit = d.status === 'DRAFT' || (d.editing?.canEdit ?? ['APPROVED', 'REJECTED', 'PAUSED'].includes(d.status));
  const remove = async (all: boolean) => {
    if (!window.confirm(t(all ? 'tpl.confirmDeleteAll' : 'tpl.confirmDelete', { name: d.name }))) return;
    await action.mutateAsync({ id: d.id, action: all ? 'deleteAll' : 'delete' }).then(() => navigate({ to: '/templates' })).catch(() => undefined);
  };
  return (
    <Stack p="md" gap="md" data-testid="template-detail">
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={2}>{d.name}</Title>
          <Text c="dimmed">{d.language}</Text>
          <Text c="dimmed">· {labelOf(t, `tpl.category.${d.category}`, d.category)}</Text>
          <StatusBadge status={d.status} />
          <QualityDot quality={d.quality} />
        </Group>
        {isAdmin && (
          <Group gap="xs">
            {canEdit && d.status !== 'DISABLED' && (
              <ButtonLink to="/templates/$templateId/edit" params={{ templateId: d.id }} variant="default">
                {t('app.edit')}
              </ButtonLink>
            )}
            {d.status === 'DRAFT' && (
              <Button onClick={() => action.mutate({ id: d.id, action: 'submit' })} loading={action.isPending} data-testid="tpl-detail-submit">
                {t('tpl.submit')}
              </Button>
            )}
            {d.status === 'PAUSED' && (
              <Button color="orange" onClick={() => action.mutate({ id: d.id, action: 'unpause' })} loading={action.isPending}>
                {t('tpl.unpause')}
              </Button>
            )}
            {d.status !== 'DISABLED' && (
              <Button color="red" variant="light" onClick={() => void remove(false)}>
                {t('app.delete')}
              </Button>
            )}
            {d.status !== 'DISABLED' && d.status !== 'DRAFT' && (
              <Button color="red" variant="subtle" onClick={() => void remove(true)}>
                {t('tpl.deleteAllLanguages')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      {action.error ? <Alert color="red" role="alert">{errorText(action.error, t('app.error'))}</Alert> : null}
      {d.status === 'REJECTED' && (
        <Alert color="red" title={t('tpl.rejected')} data-testid="tpl-rejection">
          <Text size="sm">{d.rejection?.reason ?? d.rejectionReason ?? '—'}</Text>
          {d.rejection?.code && <Text size="xs">{t('tpl.reasonCode', { code: d.rejection.code })}</Text>}
          {d.rejection?.recommendation && <Text size="sm" mt={4}>{t('tpl.recommendation', { text: d.rejection.recommendation })}</Text>}
        </Alert>
      )}
      {d.status === 'PAUSED' && d.pausedUntil && (
        <Alert color="orange">{t('tpl.pausedUntilAt', { when: i18n.dateTime(d.pausedUntil), relative: i18n.relative(d.pausedUntil) })}</Alert>
      )}
      {d.editing && !d.editing.canEdit && d.editing.reason && <Alert color="gray">{d.editing.reason}</Alert>}
      {d.problems.length > 0 && (
        <Alert color="yellow" title={t('tpl.problemsCount', { count: d.problems.length })}>
          {d.problems.map((p, i) => (
            <Text key={i} size="sm">
              {p.message}
            </Text>
          ))}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="sm">
          <Title order={4}>{t('tpl.preview')}</Title>
          <ContactPicker value={contactId} onChange={setContactId} label={t('tpl.previewAs')} />
          <WhatsAppBubble preview={contactId && contactPreview.data ? contactPreview.data.preview : d.preview} />
          {contactId && contactPreview.data && !contactPreview.data.complete && contactPreview.data.problems.map((p, i) => <Text key={i} size="xs" c="orange.8">{p.message}</Text>)}
          {contactId && contactPreview.error ? <Text size="xs" c="red">{errorText(contactPreview.error, t('app.error'))}</Text> : null}
        </Stack>
        <Stack gap="sm">
          <Title order={4}>{t('tpl.history')}</Title>
          <Timeline active={d.history.length} bulletSize={14} lineWidth={2} data-testid="tpl-history">
            {[...d.history].reverse().map((h, i) => (
              <Timeline.Item key={i} title={`${labelOf(t, `tpl.status.${h.status}`, h.status)} · ${labelOf(t, `tpl.event.${h.event ?? ''}`, h.event ?? '')}`}>
                <Text size="xs" c="dimmed">
                  {i18n.dateTime(h.at)} · {labelOf(t, `tpl.source.${h.source}`, h.source)}
                  {h.stale ? ` · ${t('tpl.stale')}` : ''}
                </Text>
                {(h.reason || h.reasonCode) && <Text size="xs">{[h.reasonCode, h.reason].filter(Boolean).join(': ')}</Text>}
                {h.recommendation && <Text size="xs">{h.recommendation}</Text>}
                {h.pausedUntil && <Text size="xs">{t('tpl.pausedUntil', { when: i18n.dateTime(h.pausedUntil) })}</Text>}
              </Timeline.Item>
            ))}
          </Timeline>
          {d.history.length === 0 && <Text size="sm" c="dimmed">—</Text>}
        </Stack>
      </SimpleGrid>
      <Paper withBorder p="sm">
        <Title order={4} mb="xs">{t('map.title')}</Title>
        {isAdmin ? <MappingEditor key={d.updatedAt} templateId={d.id} variables={d.variables} initial={d.mapping} /> : <Text size="sm" c="dimmed">{t('map.adminsOnly')}</Text>}
      </Paper>
    </Stack>
  );
}
