import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Group, Progress, Select, Stack, Stepper, Table, Text, TextInput, Title } from '@mantine/core';
import { getImport, importRows, previewImport, startImport } from '../../api/imports.ts';
import type { ImportJob, ImportPreview, ImportRow } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../components/Problems.tsx';

const FINISHED = new Set(['done', 'failed']);

/** Upload → map columns → check (dry run) or import → progress → per-row report. */
export function ImportScreen() {
  const i18n = useI18n();
  const { t } = i18n;
  const [file, setFile] = useState<File | null>(null);
  const [country, setCountry] = useState('ES');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [job, setJob] = useState<ImportJob | null>(null);
  const [rejected, setRejected] = useState<ImportRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onFile = async (f: File | null) => {
    setFile(f);
    setPreview(null);
    setJob(null);
    setRejected([]);
    setError(null);
    if (!f) return;
    setBusy(true);
    try {
      const p = await previewImport(f, { defaultCountry: country });
      setPreview(p);
      setMapping(p.suggestedMapping);
    } catch (err) {
      setError(errorText(err, t('app.error')));
    } finally {
      setBusy(false);
    }
  };

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    setRejected([]);
    try {
      setJob(await startImport(file, { mapping, defaultCountry: country, dryRun }));
    } catch (err) {
      setError(errorText(err, t('app.error')));
    } finally {
      setBusy(false);
    }
  };

  // Poll the job while it runs; then fetch the rejected rows.
  useEffect(() => {
    if (!job) return;
    if (FINISHED.has(job.state)) {
      void importRows(job.id, 'rejected').then((r) => setRejected(r.items), (err: unknown) => setError(errorText(err, t('app.error'))));
      return;
    }
    const id = window.setTimeout(() => {
      void getImport(job.id).then(setJob, (err: unknown) => setError(errorText(err, t('app.error'))));
    }, 400);
    return () => window.clearTimeout(id);
  }, [job, t]);

  const step = job ? (FINISHED.has(job.state) ? 3 : 2) : preview ? 1 : 0;
  const targets = preview?.targets ?? [];
  const columns = preview ? Object.keys(mapping).length ? Object.keys(mapping) : preview.headers : [];
  return (
    <Stack p="md" maw={1100}>
      <Title order={2}>{t('import.title')}</Title>
      <Stepper active={step} size="sm">
        <Stepper.Step label={t('import.step.upload')} />
        <Stepper.Step label={t('import.step.map')} />
        <Stepper.Step label={t('import.step.dryRun')} />
        <Stepper.Step label={t('import.step.import')} />
      </Stepper>
      <Group align="flex-end">
        <div>
          <Text component="label" htmlFor="import-file" size="sm" fw={500} display="block">
            {t('import.file')}
          </Text>
          <input id="import-file" type="file" accept=".csv,text/csv,text/plain" data-testid="import-file" onChange={(e) => void onFile(e.currentTarget.files?.[0] ?? null)} />
          <Text size="xs" c="dimmed">{t('import.fileHelp')}</Text>
        </div>
        <TextInput label={t('import.defaultCountry')} value={country} maxLength={2} w={220} onChange={(e) => setCountry(e.currentTarget.value.toUpperCase())} />
      </Group>
      {error && <Alert color="red" role="alert">{error}</Alert>}
      {preview && (
        <Table data-testid="import-mapping" withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('import.column')}</Table.Th>
              <Table.Th>{t('import.sample')}</Table.Th>
              <Table.Th>{t('import.target')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {columns.map((col, i) => (
              <Table.Tr key={col}>
                <Table.Td>{col}</Table.Td>
                <Table.Td>
                  <Text size="xs" c="dimmed">{preview.rows.slice(0, 3).map((r) => r[i] ?? '').join(' · ')}</Text>
                </Table.Td>
                <Table.Td>
                  <Select
                    size="xs"
                    aria-label={`${t('import.target')}: ${col}`}
                    searchable
                    value={mapping[col] ?? 'ignore'}
                    onChange={(v) => setMapping((m) => ({ ...m, [col]: v ?? 'ignore' }))}
                    data={targets.map((x) => ({ value: x, label: x === 'ignore' ? t('import.ignore') : x }))}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {preview && preview.problems.length > 0 && (
        <Alert color="orange">{preview.problems.map((p) => (typeof p === 'string' ? p : p.message)).join(' ')}</Alert>
      )}
      {preview && (
        <Group>
          <Button variant="default" onClick={() => void run(true)} loading={busy && !job} disabled={!!job && !FINISHED.has(job.state)} data-testid="import-dry-run">
            {t('import.runDry')}
          </Button>
          <Button onClick={() => void run(false)} loading={busy && !job} disabled={!!job && !FINISHED.has(job.state)} data-testid="import-run">
            {t('import.run')}
          </Button>
        </Group>
      )}
      {job && (
        <Stack gap="xs" aria-live="polite">
          <Progress value={job.percent} animated={!FINISHED.has(job.state)} aria-label={t('import.progress', { done: job.processedRows, total: job.totalRows })} />
          <Text size="sm">{t('import.progress', { done: i18n.number(job.processedRows), total: i18n.number(job.totalRows) })}</Text>
          {job.state === 'failed' && <Alert color="red" role="alert">{t('import.failed', { error: job.error ?? '' })}</Alert>}
          {job.state === 'done' && (
            <Alert color={job.rejected ? 'orange' : 'teal'} data-testid="import-summary" title={job.dryRun ? t('import.dryDone') : t('import.done')}>
              {t('import.summary', { created: i18n.number(job.created), updated: i18n.number(job.updated), skipped: i18n.number(job.skipped), rejected: i18n.number(job.rejected) })}
            </Alert>
          )}
        </Stack>
      )}
      {job?.state === 'done' && (
        <Stack gap="xs">
          <Title order={3} size="h4">{t('import.rejected')}</Title>
          {rejected.length === 0 ? (
            <Text c="dimmed">{t('import.noRejected')}</Text>
          ) : (
            <>
              <Table striped withTableBorder data-testid="import-rejected">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('import.row')}</Table.Th>
                    <Table.Th>{t('import.column')}</Table.Th>
                    <Table.Th>{t('import.value')}</Table.Th>
                    <Table.Th>{t('import.reason')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rejected.map((r, i) => (
                    <Table.Tr key={`${r.row}-${i}`} data-testid="import-rejected-row">
                      <Table.Td>{r.row}</Table.Td>
                      <Table.Td>{r.column ?? ''}</Table.Td>
                      <Table.Td>{r.value ?? ''}</Table.Td>
                      <Table.Td>{r.reason ?? ''}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Anchor href={`/api/v1/imports/${job.id}/rejected.csv`} download>
                {t('import.downloadRejected')}
              </Anchor>
            </>
          )}
          <Button variant="subtle" onClick={() => void onFile(null)} w="fit-content">{t('import.again')}</Button>
        </Stack>
      )}
    </Stack>
  );
}
