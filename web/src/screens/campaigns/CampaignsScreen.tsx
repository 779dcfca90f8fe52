import { Badge, Center, Group, Loader, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { useCampaigns } from '../../api/campaigns.ts';
import { AnchorLink, ButtonLink } from '../../components/links.tsx';
import { ErrorMessage } from '../../components/Problems.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { labelOf } from '../templates/model.ts';

export const STATE_COLOR: Record<string, string> = { draft: 'gray', launching: 'blue', scheduled: 'violet', running: 'teal', paused: 'orange', completed: 'green', cancelled: 'red' };

export function CampaignStateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  return (
    <Badge color={STATE_COLOR[state] ?? 'gray'} variant="light" data-testid="campaign-state" data-state={state}>
      {labelOf(t, `camp.state.${state}`, state)}
    </Badge>
  );
}

export function CampaignsScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const list = useCampaigns();
  const rows = list.data?.data ?? [];
  if (list.error) return <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />;
  return (
    <Stack p="md" gap="sm">
      <Group justify="space-between">
        <Title order={2}>{t('camp.list')}</Title>
        <ButtonLink to="/campaigns/new" search={{ draft: undefined }} data-testid="campaign-new">
          {t('camp.new')}
        </ButtonLink>
      </Group>
      {list.isLoading ? (
        <Center p="lg">
          <Loader />
        </Center>
      ) : (
        <Table striped highlightOnHover data-testid="campaigns-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('camp.name')}</Table.Th>
              <Table.Th>{t('camp.state')}</Table.Th>
              <Table.Th>{t('camp.progress')}</Table.Th>
              <Table.Th>{t('camp.created')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((c) => {
              const recipients = c.exclusions?.included ?? c.estimate?.messages ?? null;
              return (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    {c.state === 'draft' ? (
                      <AnchorLink to="/campaigns/new" search={{ draft: c.id }}>{c.name}</AnchorLink>
                    ) : (
                      <AnchorLink to="/campaigns/$campaignId" params={{ campaignId: c.id }}>{c.name}</AnchorLink>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <CampaignStateBadge state={c.state} />
                  </Table.Td>
                  <Table.Td>
                    {c.state === 'completed' ? (
                      <Progress value={100} size="sm" aria-label={t('camp.progress')} />
                    ) : recipients !== null ? (
                      <Text size="xs">{t('camp.recipientsCount', { count: i18n.number(recipients) })}</Text>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td>{i18n.dateTime(c.createdAt)}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {list.isSuccess && rows.length === 0 && <Text c="dimmed">{t('camp.empty')}</Text>}
    </Stack>
  );
}
