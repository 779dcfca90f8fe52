import { useState } from 'react';
import { Alert, Button, FileInput, Group, Select, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { ApiError } from '../../api/client.ts';
import { useRateCards, useUploadRateCard, type RateCardProblem } from '../../api/campaigns.ts';
import { useSyncTemplates } from '../../api/templates.ts';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** Read templates from WhatsApp now (POST /templates/sync). */
export function TemplatesSyncSection() {
  const { t } = useI18n();
  const sync = useSyncTemplates();
  return (
    <Stack>
      <Text size="sm" c="dimmed">{t('settings.templates.help')}</Text>
      <Group>
        <Button onClick={() => sync.mutate()} loading={sync.isPending} data-testid="templates-sync">
          {t('settings.templates.sync')}
        </Button>
      </Group>
      {sync.error ? <Text c="red" size="sm" role="alert">{errorText(sync.error, t('app.error'))}</Text> : null}
      {sync.data && (
        <Table withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>WABA</Table.Th>
              <Table.Th>{t('settings.templates.added')}</Table.Th>
              <Table.Th>{t('settings.templates.updated')}</Table.Th>
              <Table.Th>{t('settings.templates.removed')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sync.data.data.map((r) => (
              <Table.Tr key={r.wabaId}>
                <Table.Td>{r.wabaId}</Table.Td>
                <Table.Td>{r.added}</Table.Td>
                <Table.Td>{r.updated}</Table.Td>
                <Table.Td>{r.removed}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

const CURRENCIES = ['USD', 'EUR', 'MXN', 'COP', 'ARS', 'CLP', 'PEN', 'BRL', 'GBP'];

/** Rate cards: upload a CSV (name, currency, effective date), list them; problems per line. */
export function RateCardsSection() {
  const i18n = useI18n();
  const { t } = i18n;
  const cards = useRateCards();
  const upload = useUploadRateCard();
  const [name, setName] = useState('');
  const [currency, setCurrency] = useState<string | null>('USD');
  const [effectiveFrom, setEffectiveFrom] = useState(new Date().toISOString().slice(0, 10));
  const [file, setFile] = useState<File | null>(null);
  const problems: RateCardProblem[] = upload.error instanceof ApiError ? ((upload.error.details as { problems?: RateCardProblem[] } | undefined)?.problems ?? []) : [];
  const submit = async () => {
    if (!file) return;
    const csv = await file.text();
    upload.mutate({ name, csv, effectiveFrom, ...(currency ? { currency } : {}) });
  };
  if (cards.error) return <ErrorMessage error={cards.error} />;
  return (
    <Stack>
      <Table striped withTableBorder data-testid="rate-cards">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('rate.name')}</Table.Th>
            <Table.Th>{t('rate.currency')}</Table.Th>
            <Table.Th>{t('rate.effectiveFrom')}</Table.Th>
            <Table.Th>{t('rate.validUntil')}</Table.Th>
            <Table.Th>{t('rate.markets')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(cards.data?.data ?? []).map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>{c.currency}</Table.Td>
              <Table.Td>{i18n.dateTime(c.effectiveFrom)}</Table.Td>
              <Table.Td>{c.validUntil ? i18n.dateTime(c.validUntil) : '—'}</Table.Td>
              <Table.Td>{Array.isArray(c.markets) ? c.markets.length : typeof c.markets === 'number' ? c.markets : Object.keys(c.rates ?? {}).length}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {cards.isSuccess && cards.data.data.length === 0 && <Text c="dimmed">{t('rate.none')}</Text>}
      <Text fw={600}>{t('rate.upload')}</Text>
      <Text size="xs" c="dimmed">{t('rate.help')}</Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('rate.name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select label={t('rate.currency')} data={CURRENCIES} value={currency} onChange={setCurrency} searchable clearable description={t('rate.currencyHelp')} />
        <TextInput label={t('rate.effectiveFrom')} type="date" required value={effectiveFrom} onChange={(e) => setEffectiveFrom(e.currentTarget.value)} />
        <FileInput label={t('rate.file')} accept=".csv,text/csv" required value={file} onChange={setFile} clearable />
      </SimpleGrid>
      {upload.error ? (
        <Alert color="red" role="alert" title={errorText(upload.error, t('app.error'))}>
          {problems.length > 0 && (
            <Table data-testid="rate-problems">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('rate.line')}</Table.Th>
                  <Table.Th>{t('rate.column')}</Table.Th>
                  <Table.Th>{t('rate.market')}</Table.Th>
                  <Table.Th>{t('rate.problem')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {problems.map((p, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{p.row}</Table.Td>
                    <Table.Td>{p.column ?? ''}</Table.Td>
                    <Table.Td>{p.market ?? ''}</Table.Td>
                    <Table.Td>{p.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Alert>
      ) : null}
      {upload.isSuccess && <Text c="teal.8" size="sm">{t('app.saved')}</Text>}
      <Group>
        <Button onClick={() => void submit()} loading={upload.isPending} disabled={!file || !name || !effectiveFrom}>
          {t('rate.uploadButton')}
        </Button>
      </Group>
    </Stack>
  );
}
