import { useState } from 'react';
import { Alert, Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { ApiError } from '../../api/client.ts';
import { mappingGroup, useSaveMapping, useTemplateSources, type MappingEntry, type TemplateMappingDoc, type TemplateSlot } from '../../api/templates.ts';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../components/Problems.tsx';

/** Source choices grouped as the API lists them; `extra` adds e.g. the columns of an uploaded list. */
export function useSourceOptions(extra?: { group: string; items: { value: string; label: string }[] }) {
  const { t } = useI18n();
  const sources = useTemplateSources();
  const d = sources.data;
  const groups = [
    { group: t('map.group.contact'), items: (d?.contact ?? []).map((s) => ({ value: s.from, label: t('map.source', { source: s.from.replace(/^contact\./, '') }) })) },
    { group: t('map.group.custom'), items: (d?.custom ?? []).map((s) => ({ value: s.from, label: s.label ?? s.from })) },
    { group: t('map.group.organization'), items: (d?.organization ?? []).map((s) => ({ value: s.from, label: s.label ?? s.from })) },
    ...(extra && extra.items.length ? [extra] : []),
    {
      group: t('map.group.other'),
      items: [
        { value: 'fixed', label: t('map.fixed') },
        { value: 'send', label: t('map.send') },
      ],
    },
  ].filter((g) => g.items.length > 0);
  return groups;
}

/** One row per variable: source, value (fixed) or key (send-time), fallback. */
export function MappingRows({ variables, mapping, onChange, extra }: { variables: TemplateSlot[]; mapping: TemplateMappingDoc; onChange: (m: TemplateMappingDoc) => void; extra?: { group: string; items: { value: string; label: string }[] } }) {
  const { t } = useI18n();
  const groups = useSourceOptions(extra);
  const entry = (v: TemplateSlot): MappingEntry | undefined => mapping[mappingGroup(v.slot)]?.[v.key];
  const setEntry = (v: TemplateSlot, e: MappingEntry | null) => {
    const g = mappingGroup(v.slot);
    const next = { ...(mapping[g] ?? {}) };
    if (e) next[v.key] = e;
    else delete next[v.key];
    onChange({ ...mapping, [g]: next });
  };
  // A list column is stored as a send-time value named after the column.
  const selectValue = (e: MappingEntry | undefined) => (e ? (e.from === 'send' && e.key && extra?.items.some((i) => i.value === `column:${e.key}`) ? `column:${e.key}` : e.from) : null);
  return (
    <Table withTableBorder data-testid="mapping-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('map.variable')}</Table.Th>
          <Table.Th>{t('map.from')}</Table.Th>
          <Table.Th>{t('map.value')}</Table.Th>
          <Table.Th>{t('map.fallback')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {variables.map((v) => {
          const e = entry(v);
          return (
            <Table.Tr key={`${v.slot}.${v.key}`}>
              <Table.Td>
                <Text size="sm">{v.label}</Text>
              </Table.Td>
              <Table.Td>
                <Select
                  size="xs"
                  aria-label={t('map.fromFor', { variable: v.label })}
                  placeholder={t('map.askAtSend')}
                  data={groups}
                  value={selectValue(e)}
                  clearable
                  searchable
                  onChange={(val) => {
                    if (!val) return setEntry(v, null);
                    if (val.startsWith('column:')) return setEntry(v, { from: 'send', key: val.slice(7), ...(e?.fallback ? { fallback: e.fallback } : {}) });
                    setEntry(v, { ...(e?.fallback ? { fallback: e.fallback } : {}), from: val, ...(val === 'send' ? { key: v.key } : {}) });
                  }}
                />
              </Table.Td>
              <Table.Td>
                {e?.from === 'fixed' && <TextInput size="xs" aria-label={t('map.fixedValueFor', { variable: v.label })} value={e.value ?? ''} onChange={(ev) => setEntry(v, { ...e, value: ev.currentTarget.value })} />}
                {e?.from === 'send' && selectValue(e) === 'send' && (
                  <TextInput size="xs" aria-label={t('map.sendKeyFor', { variable: v.label })} description={t('map.sendKeyHelp')} value={e.key ?? ''} onChange={(ev) => setEntry(v, { ...e, key: ev.currentTarget.value })} />
                )}
              </Table.Td>
              <Table.Td>
                {e && e.from !== 'fixed' && (
                  <TextInput size="xs" aria-label={t('map.fallbackFor', { variable: v.label })} value={e.fallback ?? ''} onChange={(ev) => setEntry(v, { ...e, fallback: ev.currentTarget.value || undefined } as MappingEntry)} />
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** The template's stored mapping (PUT /templates/:id/mapping). */
export function MappingEditor({ templateId, variables, initial }: { templateId: string; variables: TemplateSlot[]; initial: TemplateMappingDoc | null }) {
  const { t } = useI18n();
  const [mapping, setMapping] = useState<TemplateMappingDoc>(initial ?? {});
  const save = useSaveMapping(templateId);
  const problems = save.error instanceof ApiError ? ((save.error.details as { problems?: { path?: string; message: string }[] } | undefined)?.problems ?? []) : [];
  if (variables.length === 0) return <Text size="sm" c="dimmed">{t('map.noVariables')}</Text>;
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed">{t('map.help')}</Text>
      <MappingRows variables={variables} mapping={mapping} onChange={setMapping} />
      {save.error ? (
        <Alert color="red" role="alert">
          {errorText(save.error, t('app.error'))}
          {problems.map((p, i) => (
            <Text key={i} size="xs">
              {p.path ? `${p.path}: ` : ''}
              {p.message}
            </Text>
          ))}
        </Alert>
      ) : null}
      {save.isSuccess && <Text size="sm" c="teal.8">{t('app.saved')}</Text>}
      <Group>
        <Button onClick={() => save.mutate(mapping)} loading={save.isPending} data-testid="mapping-save">
          {t('map.save')}
        </Button>
      </Group>
    </Stack>
  );
}
