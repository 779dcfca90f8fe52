import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Checkbox, CloseButton, FileInput, Group, Paper, Radio, SegmentedControl, Select, SimpleGrid, Stack, Stepper, Table, Tabs, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { api, buildUrl } from '../../api/client.ts';
import { EXCLUSION_REASONS, previewCampaign, saveCampaignDraft, useCampaignAction, useRecipientLists, useUploadList, type AudienceSource, type Campaign, type CampaignInput, type CampaignPreview } from '../../api/campaigns.ts';
import { useSegments } from '../../api/contacts.ts';
import { useSegmentPreview } from '../../api/contacts.ts';
import { useNumbers } from '../../api/numbers.ts';
import { useApprovedTemplates, useTemplate, type TemplateMappingDoc } from '../../api/templates.ts';
import { errorText } from '../../components/Problems.tsx';
import { WhatsAppBubble } from '../../components/WhatsAppBubble.tsx';
import { useI18n, type I18n } from '../../i18n/index.tsx';
import { ContactPicker } from '../templates/ContactPicker.tsx';
import { MappingRows } from '../templates/MappingEditor.tsx';
import { labelOf } from '../templates/model.ts';

interface Draft {
  name: string;
  phoneNumberId: string | null;
  include: AudienceSource[];
  exclude: AudienceSource[];
  templateId: string | null;
  mapping: TemplateMappingDoc;
  scheduleKind: 'now' | 'at' | 'local_time';
  at: string;
  localTime: string;
  localDate: string;
  quiet: boolean;
  quietFrom: string;
  quietTo: string;
  endAt: string;
  timeZone: string;
}

const businessZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'Europe/Madrid';

const emptyDraft = (): Draft => ({
  name: '',
  phoneNumberId: null,
  include: [],
  exclude: [],
  templateId: null,
  mapping: {},
  scheduleKind: 'now',
  at: '',
  localTime: '10:00',
  localDate: '',
  quiet: false,
  quietFrom: '09:00',
  quietTo: '21:00',
  endAt: '',
  timeZone: businessZone(),
});

function fromCampaign(c: Campaign): Draft {
  const d = emptyDraft();
  return {
    ...d,
    name: c.name,
    phoneNumberId: c.phoneNumberId,
    include: c.audience.include,
    exclude: c.audience.exclude ?? [],
    templateId: c.templateId,
    mapping: c.mapping ?? {},
    scheduleKind: c.schedule.kind,
    at: c.schedule.kind === 'at' ? c.schedule.at.slice(0, 16) : '',
    localTime: c.schedule.kind === 'local_time' ? c.schedule.time : d.localTime,
    localDate: c.schedule.kind === 'local_time' ? (c.schedule.date ?? '') : '',
    quiet: !!c.sendHours,
    quietFrom: c.sendHours?.from ?? d.quietFrom,
    quietTo: c.sendHours?.to ?? d.quietTo,
    endAt: c.endAt ? toLocalInput(new Date(c.endAt)) : '',
    timeZone: c.timeZone,
  };
}

function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function toInput(d: Draft): CampaignInput {
  return {
    name: d.name,
    phoneNumberId: d.phoneNumberId ?? '',
    templateId: d.templateId ?? '',
    mapping: Object.keys(d.mapping).length ? d.mapping : null,
    audience: { include: d.include, exclude: d.exclude },
    schedule: d.scheduleKind === 'now' ? { kind: 'now' } : d.scheduleKind === 'at' ? { kind: 'at', at: d.at } : { kind: 'local_time', time: d.localTime, ...(d.localDate ? { date: d.localDate } : {}) },
    sendHours: d.quiet ? { from: d.quietFrom, to: d.quietTo } : null,
    // The end time is typed in the browser's clock; sent as an instant.
    endAt: d.endAt ? new Date(d.endAt).toISOString() : null,
    timeZone: d.timeZone,
  };
}

/** The audience sources as chips; names for lists and segments come from their queries. */
function SourceChips({ sources, onRemove, names }: { sources: AudienceSource[]; onRemove: (i: number) => void; names: Record<string, string> }) {
  const { t } = useI18n();
  if (sources.length === 0) return <Text size="sm" c="dimmed">{t('app.none')}</Text>;
  return (
    <Group gap={6}>
      {sources.map((s, i) => {
        const label =
          'segmentId' in s ? t('camp.src.segment', { name: names[s.segmentId] ?? s.segmentId }) :
          'filter' in s ? t('camp.src.filter', { filter: s.filter }) :
          'tag' in s ? t('camp.src.tag', { tag: s.tag }) :
          'listId' in s ? t('camp.src.list', { name: names[s.listId] ?? s.listId }) :
          t('camp.src.contacts', { count: s.contactIds.length });
        return (
          <Badge key={i} variant="light" size="lg" rightSection={<CloseButton size="xs" aria-label={t('camp.removeSource', { source: label })} onClick={() => onRemove(i)} />} data-testid="audience-source">
            {label}
          </Badge>
        );
      })}
    </Group>
  );
}

function AudienceStep({ d, set }: { d: Draft; set: (p: Partial<Draft>) => void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [mode, setMode] = useState<'include' | 'exclude'>('include');
  const [filter, setFilter] = useState('');
  const [dFilter] = useDebouncedValue(filter, 400);
  const count = useSegmentPreview(dFilter);
  const [tag, setTag] = useState('');
  const [contactId, setContactId] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [country, setCountry] = useState('ES');
  const segments = useSegments();
  const lists = useRecipientLists();
  const upload = useUploadList();
  const names: Record<string, string> = {};
  for (const s of segments.data?.data ?? []) names[s.id] = s.name;
  for (const l of lists.data?.data ?? []) names[l.id] = `${l.name} (${i18n.number(l.rows)})`;
  const add = (s: AudienceSource) => set(mode === 'include' ? { include: [...d.include, s] } : { exclude: [...d.exclude, s] });
  const uploadList = async () => {
    if (!file) return;
    const csv = await file.text();
    const list = await upload.mutateAsync({ name: file.name, csv, defaultCountry: country }).catch(() => null);
    if (list) add({ listId: list.id });
  };
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('camp.name')} required value={d.name} onChange={(e) => set({ name: e.currentTarget.value })} data-testid="campaign-name" />
        <NumberSelect value={d.phoneNumberId} onChange={(v) => set({ phoneNumberId: v, templateId: null, mapping: {} })} />
      </SimpleGrid>
      <Paper withBorder p="sm">
        <Text fw={600}>{t('camp.audienceInclude')}</Text>
        <SourceChips sources={d.include} names={names} onRemove={(i) => set({ include: d.include.filter((_, j) => j !== i) })} />
        <Text fw={600} mt="sm">{t('camp.audienceExclude')}</Text>
        <SourceChips sources={d.exclude} names={names} onRemove={(i) => set({ exclude: d.exclude.filter((_, j) => j !== i) })} />
      </Paper>
      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Text fw={600}>{t('camp.addSource')}</Text>
          <SegmentedControl
            aria-label={t('camp.addTo')}
            value={mode}
            onChange={(v) => setMode(v as 'include' | 'exclude')}
            data={[
              { value: 'include', label: t('camp.include') },
              { value: 'exclude', label: t('camp.exclude') },
            ]}
          />
        </Group>
        <Tabs defaultValue="segment" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="segment">{t('camp.tab.segment')}</Tabs.Tab>
            <Tabs.Tab value="tag">{t('camp.tab.tag')}</Tabs.Tab>
            <Tabs.Tab value="list">{t('camp.tab.list')}</Tabs.Tab>
            <Tabs.Tab value="contacts">{t('camp.tab.contacts')}</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="segment" pt="xs">
            <Stack gap="xs">
              {(segments.data?.data.length ?? 0) > 0 && (
                <Select label={t('camp.savedSegment')} data={(segments.data?.data ?? []).map((s) => ({ value: s.id, label: s.name }))} value={null} onChange={(v) => v && add({ segmentId: v })} />
              )}
              <Textarea
                label={t('contact.segment')}
                description={t('contact.segmentHelp')}
                value={filter}
                onChange={(e) => setFilter(e.currentTarget.value)}
                autosize
                minRows={1}
                styles={{ input: { fontFamily: 'monospace' } }}
                error={count.error ? errorText(count.error, t('app.error')) : undefined}
                data-testid="campaign-filter"
              />
              {dFilter && count.data && !count.error && (
                <Text size="sm" fw={600} aria-live="polite" data-testid="campaign-filter-count">
                  {t('contact.segmentCount', { count: i18n.number(count.data.count) })}
                </Text>
              )}
              <Group>
                <Button size="xs" disabled={!dFilter || !!count.error || !count.data || count.isFetching} onClick={() => { add({ filter: dFilter }); setFilter(''); }} data-testid="campaign-filter-add">
                  {mode === 'include' ? t('camp.addInclude') : t('camp.addExclude')}
                </Button>
              </Group>
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="tag" pt="xs">
            <Group align="flex-end">
              <TextInput label={t('camp.tag')} value={tag} onChange={(e) => setTag(e.currentTarget.value)} />
              <Button size="xs" disabled={!tag.trim()} onClick={() => { add({ tag: tag.trim() }); setTag(''); }}>
                {mode === 'include' ? t('camp.addInclude') : t('camp.addExclude')}
              </Button>
            </Group>
          </Tabs.Panel>
          <Tabs.Panel value="list" pt="xs">
            <Stack gap="xs">
              <Text size="xs" c="dimmed">{t('camp.listHelp')}</Text>
              <Group align="flex-end">
                <FileInput label={t('camp.listFile')} accept=".csv,text/csv" value={file} onChange={setFile} clearable w={260} />
                <TextInput label={t('camp.defaultCountry')} value={country} onChange={(e) => setCountry(e.currentTarget.value.toUpperCase().slice(0, 2))} w={120} />
                <Button size="xs" disabled={!file} loading={upload.isPending} onClick={() => void uploadList()}>
                  {t('camp.uploadList')}
                </Button>
              </Group>
              {upload.error ? <Text size="sm" c="red" role="alert">{errorText(upload.error, t('app.error'))}</Text> : null}
              {upload.data && (
                <Text size="sm">
                  {t('camp.listUploaded', { rows: i18n.number(upload.data.rows), created: i18n.number(upload.data.created ?? 0), rejected: i18n.number(upload.data.rejected.length), columns: upload.data.columns.join(', ') })}
                </Text>
              )}
              {upload.data && upload.data.rejected.length > 0 && (
                <Table withTableBorder>
                  <Table.Tbody>
                    {upload.data.rejected.slice(0, 20).map((r) => (
                      <Table.Tr key={r.row}>
                        <Table.Td>{r.row}</Table.Td>
                        <Table.Td>{r.value}</Table.Td>
                        <Table.Td>{r.reason}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
              {(lists.data?.data.length ?? 0) > 0 && <Select label={t('camp.existingList')} data={(lists.data?.data ?? []).map((l) => ({ value: l.id, label: names[l.id] ?? l.name }))} value={null} onChange={(v) => v && add({ listId: v })} />}
            </Stack>
          </Tabs.Panel>
          <Tabs.Panel value="contacts" pt="xs">
            <Group align="flex-end">
              <div style={{ width: 320 }}>
                <ContactPicker value={contactId} onChange={setContactId} label={t('camp.contact')} />
              </div>
              <Button size="xs" disabled={!contactId} onClick={() => { if (contactId) add({ contactIds: [contactId] }); setContactId(null); }}>
                {mode === 'include' ? t('camp.addInclude') : t('camp.addExclude')}
              </Button>
            </Group>
          </Tabs.Panel>
        </Tabs>
      </Paper>
    </Stack>
  );
}

function NumberSelect({ value, onChange }: { value: string | null; onChange: (v: string | null) => void }) {
  const { t } = useI18n();
  const numbers = useNumbers();
  const data = (numbers.data?.data ?? []).map((n) => ({ value: n.id, label: `${n.displayPhoneNumber}${n.verifiedName ? ` · ${n.verifiedName}` : ''}` }));
  useEffect(() => {
    if (!value && data[0]) onChange(data[0].value);
  }, [value, data, onChange]);
  return <Select label={t('camp.number')} required data={data} value={value} onChange={onChange} allowDeselect={false} />;
}

function TemplateStep({ d, set }: { d: Draft; set: (p: Partial<Draft>) => void }) {
  const { t } = useI18n();
  const templates = useApprovedTemplates(d.phoneNumberId ?? '');
  const tpl = useTemplate(d.templateId);
  const lists = useRecipientLists();
  const listIds = d.include.flatMap((s) => ('listId' in s ? [s.listId] : []));
  const columns = [...new Set((lists.data?.data ?? []).filter((l) => listIds.includes(l.id)).flatMap((l) => l.columns))];
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
      <Stack gap="sm">
        <Select
          label={t('camp.template')}
          description={t('camp.templateHelp')}
          searchable
          data={(templates.data ?? []).map((x) => ({ value: x.id, label: `${x.name} · ${x.language} · ${labelOf(t, `tpl.category.${x.category}`, x.category)}` }))}
          value={d.templateId}
          onChange={(v) => set({ templateId: v, mapping: {} })}
          data-testid="campaign-template"
        />
        {templates.isSuccess && templates.data.length === 0 && <Alert color="yellow">{t('template.none')}</Alert>}
        {tpl.data && (
          <>
            <Text fw={600}>{t('map.title')}</Text>
            <Text size="xs" c="dimmed">{t('camp.mappingHelp')}</Text>
            {tpl.data.variables.length === 0 ? (
              <Text size="sm" c="dimmed">{t('map.noVariables')}</Text>
            ) : (
              <MappingRows
                variables={tpl.data.variables}
                mapping={Object.keys(d.mapping).length ? d.mapping : (tpl.data.mapping ?? {})}
                onChange={(m) => set({ mapping: m })}
                extra={{ group: t('map.group.columns'), items: columns.map((c) => ({ value: `column:${c}`, label: c })) }}
              />
            )}
          </>
        )}
      </Stack>
      <Stack gap="sm">{tpl.data && <WhatsAppBubble preview={tpl.data.preview} />}</Stack>
    </SimpleGrid>
  );
}

function ScheduleStep({ d, set }: { d: Draft; set: (p: Partial<Draft>) => void }) {
  const { t } = useI18n();
  return (
    <Stack gap="sm" maw={640}>
      <Radio.Group label={t('camp.when')} value={d.scheduleKind} onChange={(v) => set({ scheduleKind: v as Draft['scheduleKind'] })}>
        <Stack gap={6} mt={6}>
          <Radio value="now" label={t('camp.sched.now')} />
          <Radio value="at" label={t('camp.sched.at')} />
          <Radio value="local_time" label={t('camp.sched.local')} />
        </Stack>
      </Radio.Group>
      {d.scheduleKind === 'at' && (
        <SimpleGrid cols={2}>
          <TextInput type="datetime-local" label={t('camp.startAt')} value={d.at} onChange={(e) => set({ at: e.currentTarget.value })} required />
          <TextInput label={t('camp.timeZone')} description={t('camp.timeZoneHelp')} value={d.timeZone} onChange={(e) => set({ timeZone: e.currentTarget.value })} />
        </SimpleGrid>
      )}
      {d.scheduleKind === 'local_time' && (
        <SimpleGrid cols={2}>
          <TextInput type="time" label={t('camp.localTime')} value={d.localTime} onChange={(e) => set({ localTime: e.currentTarget.value })} required />
          <TextInput type="date" label={t('camp.localDate')} description={t('camp.localDateHelp')} value={d.localDate} onChange={(e) => set({ localDate: e.currentTarget.value })} />
        </SimpleGrid>
      )}
      <Checkbox label={t('camp.quietHours')} description={t('camp.quietHoursHelp')} checked={d.quiet} onChange={(e) => set({ quiet: e.currentTarget.checked })} />
      {d.quiet && (
        <SimpleGrid cols={2}>
          <TextInput type="time" label={t('camp.sendFrom')} value={d.quietFrom} onChange={(e) => set({ quietFrom: e.currentTarget.value })} />
          <TextInput type="time" label={t('camp.sendTo')} value={d.quietTo} onChange={(e) => set({ quietTo: e.currentTarget.value })} />
        </SimpleGrid>
      )}
      <TextInput type="datetime-local" label={t('camp.endAt')} description={t('camp.endAtHelp')} value={d.endAt} onChange={(e) => set({ endAt: e.currentTarget.value })} />
    </Stack>
  );
}

const amount = (i18n: I18n, value: string | null | undefined, currency: string | null) => (value == null ? '—' : currency ? i18n.currency(Number(value), currency) : value);

export function EstimateView({ p, campaignId }: { p: CampaignPreview; campaignId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const e = p.estimate;
  const cur = e.currency;
  return (
    <Stack gap="md" data-testid="campaign-estimate">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Paper withBorder p="sm">
          <Title order={4}>{t('camp.audience')}</Title>
          <Text size="sm" data-testid="estimate-included">
            {t('camp.audienceSummary', { total: i18n.number(p.audience.total), included: i18n.number(p.audience.included), excluded: i18n.number(p.audience.excluded) })}
          </Text>
          {p.audience.excluded > 0 && (
            <>
              <Table mt="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('camp.exclusionReason')}</Table.Th>
                    <Table.Th ta="right">{t('camp.count')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {EXCLUSION_REASONS.filter((r) => p.audience.byReason[r]).map((r) => (
                    <Table.Tr key={r} data-testid="exclusion-row">
                      <Table.Td>{t(`camp.excl.${r}`)}</Table.Td>
                      <Table.Td ta="right">{i18n.number(p.audience.byReason[r] ?? 0)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Anchor href={buildUrl(`/api/v1/campaigns/${campaignId}/exclusions.csv`)} download size="sm">
                {t('camp.downloadExclusions')}
              </Anchor>
            </>
          )}
        </Paper>
        <Paper withBorder p="sm">
          <Title order={4}>{t('camp.timing')}</Title>
          <Text size="sm">{t('camp.duration', { duration: i18n.duration(e.durationSeconds * 1000), finishes: i18n.dateTime(e.finishesAt) })}</Text>
          <Text size="sm" mt="xs" data-testid="estimate-tier">
            {e.tier.limit === null
              ? t('camp.tierUnlimited', { count: i18n.number(e.tier.now) })
              : t('camp.tierSplit', { now: i18n.number(e.tier.now), limit: i18n.number(e.tier.limit), used: i18n.number(e.tier.used), tier: p.tier.name ?? '—' })}
          </Text>
          {e.tier.later.map((w, i) => (
            <Text key={i} size="sm">
              {t('camp.tierLater', { count: i18n.number(w.count), when: i18n.dateTime(w.at) })}
            </Text>
          ))}
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="sm">
        <Title order={4}>{t('camp.cost')}</Title>
        {!cur ? (
          <Alert color="yellow">{t('camp.noRateCard')}</Alert>
        ) : (
          <Text size="xs" c="dimmed">
            {t('camp.rateCard', { name: e.rateCard?.name ?? '', date: e.rateCard ? i18n.date(e.rateCard.effectiveFrom) : '', currency: cur })}
          </Text>
        )}
        <Table mt="xs" data-testid="estimate-rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rate.market')}</Table.Th>
              <Table.Th>{t('tpl.category')}</Table.Th>
              <Table.Th ta="right">{t('camp.charged')}</Table.Th>
              <Table.Th ta="right">{t('camp.free')}</Table.Th>
              <Table.Th ta="right">{t('camp.rate')}</Table.Th>
              <Table.Th ta="right">{t('camp.subtotal')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {e.rows.map((r) => (
              <Table.Tr key={`${r.market}|${r.category}`}>
                <Table.Td>{r.market}</Table.Td>
                <Table.Td>{labelOf(t, `tpl.category.${r.category.toUpperCase()}`, r.category)}</Table.Td>
                <Table.Td ta="right">{i18n.number(r.charged)}</Table.Td>
                <Table.Td ta="right">{i18n.number(r.free)}</Table.Td>
                <Table.Td ta="right">{r.rate ?? '—'}</Table.Td>
                <Table.Td ta="right">{amount(i18n, r.cost, cur)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th colSpan={2}>{t('camp.total')}</Table.Th>
              <Table.Th ta="right">{i18n.number(e.charged)}</Table.Th>
              <Table.Th ta="right">{i18n.number(e.free)}</Table.Th>
              <Table.Th />
              <Table.Th ta="right" data-testid="estimate-total">{amount(i18n, e.totalRounded, cur)}</Table.Th>
            </Table.Tr>
          </Table.Tfoot>
        </Table>
        {(e.freeCustomerService > 0 || e.freeEntryPoint > 0) && <Text size="xs" c="dimmed">{t('camp.freeWhy', { csw: i18n.number(e.freeCustomerService), fep: i18n.number(e.freeEntryPoint) })}</Text>}
        {e.missingRates.length > 0 && <Text size="xs" c="orange.8">{t('camp.missingRates', { list: e.missingRates.join(', ') })}</Text>}
      </Paper>
    </Stack>
  );
}

export function CampaignWizard({ draftId }: { draftId?: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [step, setStep] = useState(0);
  const [d, setD] = useState<Draft>(emptyDraft);
  const [id, setId] = useState<string | null>(draftId ?? null);
  const [preview, setPreview] = useState<CampaignPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const launch = useCampaignAction();
  const existing = useQuery({ queryKey: ['campaigns', 'one', draftId], queryFn: () => api.get<Campaign>(`/api/v1/campaigns/${draftId}`), enabled: !!draftId });
  useEffect(() => {
    if (existing.data && existing.data.state === 'draft') setD(fromCampaign(existing.data));
  }, [existing.data]);
  const set = (p: Partial<Draft>) => setD((old) => ({ ...old, ...p }));

  const canNext = [d.name.trim() && d.phoneNumberId && d.include.length > 0, !!d.templateId, d.scheduleKind !== 'at' || !!d.at, !!preview][step];

  const estimate = async () => {
    setBusy(true);
    setError(null);
    try {
      const saved = await saveCampaignDraft(id, toInput(d));
      setId(saved.id);
      setPreview(await previewCampaign(saved.id));
      setStep(3);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const next = () => {
    setError(null);
    if (step === 2) void estimate();
    else setStep(step + 1);
  };
  const doLaunch = async () => {
    if (!id) return;
    await launch.mutateAsync({ id, action: 'launch' }).then(() => navigate({ to: '/campaigns/$campaignId', params: { campaignId: id } })).catch(() => undefined);
  };

  return (
    <Stack p="md" gap="md" data-testid="campaign-wizard">
      <Title order={2}>{t('camp.new')}</Title>
      <Stepper active={step} onStepClick={(s) => s < step && setStep(s)} size="sm">
        <Stepper.Step label={t('camp.step.audience')}>
          <AudienceStep d={d} set={set} />
        </Stepper.Step>
        <Stepper.Step label={t('camp.step.template')}>
          <TemplateStep d={d} set={set} />
        </Stepper.Step>
        <Stepper.Step label={t('camp.step.schedule')}>
          <ScheduleStep d={d} set={set} />
        </Stepper.Step>
        <Stepper.Step label={t('camp.step.estimate')}>{preview && id && <EstimateView p={preview} campaignId={id} />}</Stepper.Step>
        <Stepper.Step label={t('camp.step.launch')}>
          {preview && (
            <Paper withBorder p="md" maw={640}>
              <Text fw={600}>{d.name}</Text>
              <Text size="sm">{t('camp.confirmText', { count: preview.audience.included, template: preview.template.name })}</Text>
              <Text size="sm">{t(`camp.sched.${d.scheduleKind === 'local_time' ? 'local' : d.scheduleKind}`)}</Text>
              {launch.error ? <Alert color="red" mt="sm" role="alert">{errorText(launch.error, t('app.error'))}</Alert> : null}
              <Group mt="md">
                <Button color="teal" onClick={() => void doLaunch()} loading={launch.isPending} data-testid="campaign-launch">
                  {t('camp.launch')}
                </Button>
              </Group>
            </Paper>
          )}
        </Stepper.Step>
      </Stepper>
      {error ? <Alert color="red" role="alert" data-testid="campaign-error">{errorText(error, t('app.error'))}</Alert> : null}
      <Group>
        {step > 0 && (
          <Button variant="default" onClick={() => setStep(step - 1)}>
            {t('app.back')}
          </Button>
        )}
        {step < 4 && (
          <Button onClick={next} disabled={!canNext} loading={busy} data-testid="campaign-next">
            {step === 2 ? t('camp.seeEstimate') : t('app.next')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
