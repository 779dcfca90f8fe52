// Saved segments on the contacts list: apply one (its filter goes into the filter box), see each one's live
// count, save the filter being written as a new segment or over the one applied, delete one. Agents may apply;
// saving and deleting is for supervisors and up (the API answers 403 to the rest anyway).
import { useState } from 'react';
import { Button, Group, Modal, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { useDeleteSegment, useSaveSegment, useSegmentCount, useSegments, type SavedSegment } from '../../api/contacts.ts';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../components/Problems.tsx';

function SegmentButton({ segment, active, onApply }: { segment: SavedSegment; active: boolean; onApply: () => void }) {
  const i18n = useI18n();
  const count = useSegmentCount(segment.id);
  // A filter that no longer checks (a field it names was deleted) answers 409: say so on the button.
  const problem = count.error ? errorText(count.error, i18n.t('app.error')) : null;
  const button = (
    <Button
      size="compact-sm"
      variant={active ? 'filled' : 'light'}
      color={problem ? 'orange' : undefined}
      onClick={onApply}
      aria-pressed={active}
      data-testid="saved-segment"
    >
      {segment.name}
      <Text span size="xs" ml={6} fw={700} data-testid="saved-segment-count">
        {count.data ? i18n.number(count.data.count) : problem ? '!' : '…'}
      </Text>
    </Button>
  );
  return problem ? <Tooltip label={problem} multiline w={320}>{button}</Tooltip> : button;
}

export function SavedSegments({ filter, filterOk, active, onApply, canWrite }: {
  /** The filter as written now (text and chips combined). */
  filter: string;
  /** The server accepted that filter (preview answered). */
  filterOk: boolean;
  active: SavedSegment | null;
  onApply: (segment: SavedSegment | null) => void;
  canWrite: boolean;
}) {
  const { t } = useI18n();
  const segments = useSegments();
  const save = useSaveSegment();
  const remove = useDeleteSegment();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [deleting, setDeleting] = useState(false);
  const list = segments.data?.data ?? [];
  const changed = active !== null && filter.trim() !== active.filter;

  const saveNew = () =>
    save.mutate({ name, filter }, {
      onSuccess: (s) => {
        setNaming(false);
        onApply(s);
      },
    });

  return (
    <Stack gap={6}>
      <Group gap={6} align="center">
        <Text size="sm" fw={500}>{t('segments.saved')}</Text>
        {list.length === 0 && segments.isSuccess && <Text size="sm" c="dimmed">{t('segments.none')}</Text>}
        {list.map((s) => (
          <SegmentButton key={s.id} segment={s} active={active?.id === s.id} onApply={() => onApply(active?.id === s.id ? null : s)} />
        ))}
      </Group>
      {canWrite && (
        <Group gap={6}>
          <Button size="compact-sm" variant="default" disabled={!filterOk || !filter.trim()} onClick={() => { setName(''); save.reset(); setNaming(true); }}>
            {t('segments.saveAs')}
          </Button>
          {active && changed && (
            <Button size="compact-sm" variant="default" disabled={!filterOk} loading={save.isPending && !naming}
              onClick={() => save.mutate({ id: active.id, name: active.name, filter }, { onSuccess: (s) => onApply(s) })}>
              {t('segments.update', { name: active.name })}
            </Button>
          )}
          {active && (
            <Button size="compact-sm" variant="subtle" color="red" onClick={() => setDeleting(true)}>
              {t('segments.delete', { name: active.name })}
            </Button>
          )}
          {save.error && !naming && <Text size="sm" c="red" role="alert">{errorText(save.error, t('app.error'))}</Text>}
        </Group>
      )}
      <Modal opened={naming} onClose={() => setNaming(false)} title={t('segments.saveTitle')}>
        <Stack>
          <Text size="sm" ff="monospace" style={{ wordBreak: 'break-word' }}>{filter}</Text>
          <TextInput label={t('segments.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus
            onKeyDown={(e) => { if (e.key === 'Enter' && name.trim()) saveNew(); }} />
          {save.error && <Text size="sm" c="red" role="alert">{errorText(save.error, t('app.error'))}</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setNaming(false)}>{t('app.cancel')}</Button>
            <Button onClick={saveNew} disabled={!name.trim()} loading={save.isPending}>{t('app.save')}</Button>
          </Group>
        </Stack>
      </Modal>
      <Modal opened={deleting} onClose={() => setDeleting(false)} title={t('segments.deleteTitle')}>
        <Stack>
          <Text size="sm">{t('segments.deleteConfirm', { name: active?.name ?? '' })}</Text>
          {remove.error && <Text size="sm" c="red" role="alert">{errorText(remove.error, t('app.error'))}</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(false)}>{t('app.cancel')}</Button>
            <Button color="red" loading={remove.isPending}
              onClick={() => active && remove.mutate(active.id, { onSuccess: () => { setDeleting(false); onApply(null); } })}>
              {t('app.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
