import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Center, Group, Loader, Paper, Progress, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { buildUrl } from '../../api/client.ts';
import { ACTIVE_STATES, RECIPIENT_STATES, useCampaign, useCampaignAction, useRecipients, type RecipientState } from '../../api/campaigns.ts';
import { AnchorLink } from '../../components/links.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { labelOf } from '../templates/model.ts';
import { CampaignStateBadge } from './CampaignsScreen.tsx';

const FUNNEL = ['queued', 'sent', 'delivered', 'read', 'replied', 'failed', 'skipped'] as const;
const FUNNEL_COLOR: Record<string, string> = { queued: 'gray', sent: 'blue', delivered: 'teal', read: 'cyan', replied: 'green', failed: 'red', skipped: 'orange' };

export function CampaignDetailScreen({ campaignId }: { campaignId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const q = useCampaign(campaignId);
  const action = useCampaignAction();
  const [state, setState] = useState<RecipientState | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const c = q.data;
  const live = !!c && ACTIVE_STATES.has(c.state);
  const recipients = useRecipients(campaignId, state, cursors[cursors.length - 1] ?? null, live);
  // The table follows the funnel: when the counts move (including the last poll as the campaign completes),
  // the page of recipients is fetched again, so it never shows "queued" beside a finished funnel.
  const progressKey = JSON.stringify(c?.results?.funnel.counts ?? null);
  const refetchRecipients = recipients.refetch;
  useEffect(() => {
    void refetchRecipients();
  }, [progressKey, refetchRecipients]);
  if (q.error) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  if (!c) {
    return (
      <Center p="xl">
        <Loader />
      </Center>
    );
  }
  const r = c.results;
  const f = r?.funnel;
  const counts: Record<(typeof FUNNEL)[number], number> = {
    queued: f ? f.counts.pending + f.counts.queued : 0,
    sent: f?.reached.sent ?? 0,
    delivered: f?.reached.delivered ?? 0,
    read: f?.reached.read ?? 0,
    replied: f?.reached.replied ?? 0,
    failed: f?.counts.failed ?? 0,
    skipped: f?.counts.skipped ?? 0,
  };
  const total = Math.max(1, f?.recipients ?? 0);
  const cur = r?.cost.currency ?? c.estimate?.currency ?? null;
  const money = (v: string | null | undefined) => (v == null ? '—' : cur ? i18n.currency(Number(v), cur) : v);
  const act = (a: 'pause' | 'resume' | 'cancel') => {
    if (a === 'cancel' && !window.confirm(t('camp.confirmCancel'))) return;
    action.mutate({ id: c.id, action: a });
  };
  return (
    <Stack p="md" gap="md" data-testid="campaign-detail">
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={2}>{c.name}</Title>
          <CampaignStateBadge state={c.state} />
          {live && (
            <Text size="xs" c="dimmed" aria-live="polite">
              {t('camp.live')}
            </Text>
          )}
        </Group>
        <Group gap="xs">
          {(c.state === 'running' || c.state === 'scheduled') && (
            <Button variant="default" onClick={() => act('pause')} loading={action.isPending}>
              {t('camp.pause')}
            </Button>
          )}
          {c.state === 'paused' && (
            <Button onClick={() => act('resume')} loading={action.isPending}>
              {t('camp.resume')}
            </Button>
          )}
          {ACTIVE_STATES.has(c.state) && (
            <Button color="red" variant="light" onClick={() => act('cancel')} loading={action.isPending}>
              {t('camp.cancel')}
            </Button>
          )}
        </Group>
      </Group>
      {action.error ? <Alert color="red" role="alert">{errorText(action.error, t('app.error'))}</Alert> : null}
      <Text size="sm" c="dimmed">
        {t('camp.createdLaunched', { created: i18n.dateTime(c.createdAt), launched: c.launchedAt ? i18n.dateTime(c.launchedAt) : '—' })}
        {c.completedAt ? ` · ${t('camp.completedAt', { when: i18n.dateTime(c.completedAt) })}` : ''}
      </Text>
      {r && (
        <Paper withBorder p="sm">
          <Group justify="space-between">
            <Title order={4}>{t('camp.progress')}</Title>
            <Text size="sm" data-testid="campaign-progress">
              {t('camp.progressText', { done: i18n.number(r.progress.done), total: i18n.number(r.progress.total), percent: Math.round(r.progress.fraction * 100) })}
            </Text>
          </Group>
          <Progress value={r.progress.fraction * 100} mt="xs" aria-label={t('camp.progress')} animated={c.state === 'running'} />
          <Stack gap={6} mt="md" data-testid="campaign-funnel">
            {FUNNEL.map((k) => (
              <Group key={k} gap="sm" wrap="nowrap" data-testid={`funnel-${k}`} data-count={counts[k]}>
                <Text size="sm" w={110}>{t(`camp.funnel.${k}`)}</Text>
                <div style={{ flex: 1, background: 'var(--mantine-color-gray-1)', borderRadius: 4 }}>
                  <div className="funnel-bar" style={{ width: `${(counts[k] / total) * 100}%`, background: `var(--mantine-color-${FUNNEL_COLOR[k]}-6)` }} />
                </div>
                <Text size="sm" w={70} ta="right">{i18n.number(counts[k])}</Text>
              </Group>
            ))}
          </Stack>
          {f && Object.keys(f.skippedByReason).length > 0 && (
            <Text size="xs" c="dimmed" mt="xs">
              {Object.entries(f.skippedByReason).map(([k, n]) => `${labelOf(t, `camp.excl.${k}`, k)}: ${i18n.number(n)}`).join(' · ')}
            </Text>
          )}
        </Paper>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="sm">
          <Title order={4}>{t('camp.cost')}</Title>
          <Table>
            <Table.Tbody>
              <Table.Tr>
                <Table.Td>{t('camp.estimated')}</Table.Td>
                <Table.Td ta="right" data-testid="cost-estimated">{money(r?.cost.estimated?.totalRounded ?? c.estimate?.totalRounded)}</Table.Td>
                <Table.Td ta="right">{t('camp.chargedN', { count: i18n.number(r?.cost.estimated?.charged ?? c.estimate?.charged ?? 0) })}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Td>{t('camp.actual')}</Table.Td>
                <Table.Td ta="right" data-testid="cost-actual">{money(r?.cost.actual.totalRounded)}</Table.Td>
                <Table.Td ta="right">{t('camp.chargedN', { count: i18n.number(r?.cost.actual.charged ?? 0) })}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          {!cur && <Text size="xs" c="dimmed">{t('camp.noRateCard')}</Text>}
        </Paper>
        <Paper withBorder p="sm">
          <Title order={4}>{t('camp.errors')}</Title>
          {(r?.errors.length ?? 0) === 0 ? (
            <Text size="sm" c="dimmed">{t('camp.noErrors')}</Text>
          ) : (
            <Stack gap="xs">
              {r!.errors.map((e) => (
                <div key={String(e.code)} data-testid="error-group">
                  <Text size="sm" fw={600}>
                    {e.code ?? '—'} · {e.title} · {i18n.number(e.count)}
                  </Text>
                  <Text size="xs">{e.explanation[i18n.lang]}</Text>
                  <Text size="xs" c="teal.8">{e.advice[i18n.lang]}</Text>
                </div>
              ))}
            </Stack>
          )}
          {c.exclusions && c.exclusions.excluded > 0 && (
            <Anchor href={buildUrl(`/api/v1/campaigns/${c.id}/exclusions.csv`, { lang: i18n.lang })} download size="sm">
              {t('camp.downloadExclusionsN', { count: i18n.number(c.exclusions.excluded) })}
            </Anchor>
          )}
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Title order={4}>{t('camp.recipients')}</Title>
          <Group>
            <Select
              size="xs"
              aria-label={t('camp.filterState')}
              placeholder={t('camp.allStates')}
              clearable
              data={RECIPIENT_STATES.map((s) => ({ value: s, label: t(`camp.rstate.${s}`) }))}
              value={state}
              onChange={(v) => {
                setState(v as RecipientState | null);
                setCursors([null]);
              }}
            />
            <Button size="xs" variant="default" component="a" href={buildUrl(`/api/v1/campaigns/${c.id}/recipients.csv`, { state, lang: i18n.lang })} download>
              {t('camp.exportCsv')}
            </Button>
          </Group>
        </Group>
        {recipients.error ? <ErrorMessage error={recipients.error} /> : null}
        <Table striped data-testid="recipients-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('contact.name')}</Table.Th>
              <Table.Th>{t('contact.phone')}</Table.Th>
              <Table.Th>{t('camp.state')}</Table.Th>
              <Table.Th>{t('camp.when')}</Table.Th>
              <Table.Th>{t('camp.detail')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(recipients.data?.data ?? []).map((x) => (
              <Table.Tr key={x.id} data-testid="recipient-row" data-state={x.state}>
                <Table.Td>
                  <AnchorLink to="/contacts/$contactId" params={{ contactId: x.contactId }}>{x.name ?? '—'}</AnchorLink>
                </Table.Td>
                <Table.Td>{x.phone ?? '—'}</Table.Td>
                <Table.Td>{t(`camp.rstate.${x.state}`)}</Table.Td>
                <Table.Td>{(() => { const w = x.repliedAt ?? x.readAt ?? x.deliveredAt ?? x.sentAt ?? x.dueAt; return w ? i18n.dateTime(w) : '—'; })()}</Table.Td>
                <Table.Td>
                  {x.error ? (
                    <Text size="xs" c="red.8">{`${x.error.code ?? ''} ${x.error.text[i18n.lang]}`.trim()}</Text>
                  ) : x.reason ? (
                    <Text size="xs">{labelOf(t, `camp.excl.${x.reason}`, x.reason)}</Text>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group mt="xs">
          {cursors.length > 1 && (
            <Button size="xs" variant="subtle" onClick={() => setCursors(cursors.slice(0, -1))}>
              {t('app.back')}
            </Button>
          )}
          {recipients.data?.nextCursor && (
            <Button size="xs" variant="subtle" onClick={() => setCursors([...cursors, recipients.data!.nextCursor])}>
              {t('app.next')}
            </Button>
          )}
        </Group>
      </Paper>
    </Stack>
  );
}
