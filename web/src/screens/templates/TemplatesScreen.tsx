import { useState } from 'react';
import { Badge, Center, Group, Loader, MultiSelect, Select, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useNumbers } from '../../api/numbers.ts';
import { useTemplateLibrary, type TemplateFilters } from '../../api/templates.ts';
import { AnchorLink, ButtonLink } from '../../components/links.tsx';
import { ErrorMessage } from '../../components/Problems.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { CATEGORIES, COMMON_LANGUAGES, labelOf, STATUSES } from './model.ts';

export const STATUS_COLOR: Record<string, string> = { DRAFT: 'gray', PENDING: 'yellow', APPROVED: 'teal', REJECTED: 'red', PAUSED: 'orange', DISABLED: 'dark' };
const QUALITY_COLOR: Record<string, string> = { GREEN: 'teal', YELLOW: 'yellow', RED: 'red' };

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Badge color={STATUS_COLOR[status] ?? 'gray'} variant="light" data-testid="tpl-status" data-status={status}>
      {labelOf(t, `tpl.status.${status}`, status)}
    </Badge>
  );
}

export function QualityDot({ quality }: { quality: string | null }) {
  const { t } = useI18n();
  if (!quality) return null;
  return (
    <Tooltip label={t('tpl.quality', { quality })}>
      <Badge variant="dot" color={QUALITY_COLOR[quality] ?? 'gray'} aria-label={t('tpl.quality', { quality })}>
        {quality}
      </Badge>
    </Tooltip>
  );
}

export function TemplatesScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const { isAdmin } = useSession();
  const numbers = useNumbers();
  const [f, setF] = useState<TemplateFilters>({ status: [], category: [], language: [], phoneNumberId: null, q: '' });
  const [q] = useDebouncedValue(f.q, 300);
  const list = useTemplateLibrary({ ...f, q });
  const rows = list.data?.data ?? [];
  return (
    <Stack p="md" gap="sm">
      <Group justify="space-between">
        <Title order={2}>{t('tpl.library')}</Title>
        {isAdmin && (
          <ButtonLink to="/templates/new" data-testid="tpl-new">
            {t('tpl.new')}
          </ButtonLink>
        )}
      </Group>
      <Group align="flex-end" gap="sm">
        <TextInput label={t('tpl.search')} type="search" value={f.q} onChange={(e) => setF({ ...f, q: e.currentTarget.value })} w={220} />
        <MultiSelect label={t('tpl.status')} data={STATUSES.map((s) => ({ value: s, label: t(`tpl.status.${s}`) }))} value={f.status} onChange={(v) => setF({ ...f, status: v })} clearable w={220} />
        <MultiSelect label={t('tpl.category')} data={CATEGORIES.map((c) => ({ value: c, label: t(`tpl.category.${c}`) }))} value={f.category} onChange={(v) => setF({ ...f, category: v })} clearable w={220} />
        <MultiSelect label={t('tpl.language')} data={COMMON_LANGUAGES} value={f.language} onChange={(v) => setF({ ...f, language: v })} clearable searchable w={180} />
        <Select label={t('tpl.number')} data={(numbers.data?.data ?? []).map((n) => ({ value: n.id, label: n.displayPhoneNumber }))} value={f.phoneNumberId} onChange={(v) => setF({ ...f, phoneNumberId: v })} clearable w={200} />
      </Group>
      {list.error && <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />}
      {list.isLoading ? (
        <Center p="lg">
          <Loader />
        </Center>
      ) : (
        <Table striped highlightOnHover data-testid="templates-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('tpl.name')}</Table.Th>
              <Table.Th>{t('tpl.language')}</Table.Th>
              <Table.Th>{t('tpl.category')}</Table.Th>
              <Table.Th>{t('tpl.status')}</Table.Th>
              <Table.Th>{t('tpl.qualityHeader')}</Table.Th>
              <Table.Th>{t('tpl.updated')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((x) => (
              <Table.Tr key={x.id} data-testid="template-row">
                <Table.Td>
                  <AnchorLink to="/templates/$templateId" params={{ templateId: x.id }}>
                    {x.name}
                  </AnchorLink>
                </Table.Td>
                <Table.Td>{x.language}</Table.Td>
                <Table.Td>{labelOf(t, `tpl.category.${x.category}`, x.category)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <StatusBadge status={x.status} />
                    {x.status === 'PAUSED' && x.pausedUntil && <Text size="xs">{t('tpl.pausedUntil', { when: i18n.relative(x.pausedUntil) })}</Text>}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <QualityDot quality={x.quality} />
                </Table.Td>
                <Table.Td>{i18n.dateTime(x.updatedAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {list.isSuccess && rows.length === 0 && <Text c="dimmed">{t('tpl.empty')}</Text>}
      {list.data && <Text size="xs" c="dimmed">{t('tpl.total', { count: i18n.number(list.data.total ?? rows.length) })}</Text>}
    </Stack>
  );
}
