import { useState } from 'react';
import { ActionIcon, Button, Group, Modal, MultiSelect, Select, Stack, Textarea, Tooltip } from '@mantine/core';
import { useAssign, useLabels, useSetImportant, useSetLabels, useSetState, useTransfer } from '../../api/inbox.ts';
import { useTeams, useUsers } from '../../api/numbers.ts';
import type { ConversationSummary } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../components/Problems.tsx';

function AssignDialog({ conv, transfer, onClose }: { conv: ConversationSummary; transfer: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const users = useUsers();
  const teams = useTeams();
  const assign = useAssign(conv.id);
  const move = useTransfer(conv.id);
  const [userId, setUserId] = useState<string | null>(conv.assigneeId);
  const [teamId, setTeamId] = useState<string | null>(conv.teamId);
  const [note, setNote] = useState('');
  const m = transfer ? move : assign;
  const save = () => {
    // Assign picks a person; transfer moves the conversation to another team's queue with a note.
    if (transfer) {
      if (teamId) move.mutate({ teamId, ...(note.trim() ? { note: note.trim() } : {}) }, { onSuccess: onClose });
    } else assign.mutate({ userId }, { onSuccess: onClose });
  };
  return (
    <Modal opened onClose={onClose} title={transfer ? t('thread.transfer') : t('thread.assign')}>
      <Stack>
        {transfer && <Select label={t('thread.team')} required value={teamId} onChange={setTeamId} data={(teams.data?.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />}
        {!transfer && <Select
          label={t('thread.assignee')}
          clearable
          searchable
          placeholder={t('thread.unassigned')}
          value={userId}
          onChange={setUserId}
          data={(users.data?.data ?? []).filter((u) => !u.disabledAt).map((u) => ({ value: u.id, label: `${u.name} (${t(`role.${u.role}`)})` }))}
        />}
        {transfer && <Textarea label={t('thread.transferNote')} value={note} onChange={(e) => setNote(e.currentTarget.value)} autosize minRows={2} />}
        {m.error && <div role="alert" style={{ color: 'var(--mantine-color-red-7)' }}>{errorText(m.error, t('app.error'))}</div>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('app.cancel')}
          </Button>
          <Button onClick={save} loading={m.isPending} disabled={transfer && !teamId}>
            {transfer ? t('thread.transfer') : t('thread.assign')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

export function ThreadActions({ conv }: { conv: ConversationSummary }) {
  const { t } = useI18n();
  const setState = useSetState(conv.id);
  const setImportant = useSetImportant(conv.id);
  const labels = useLabels();
  const setLabels = useSetLabels(conv.id);
  const [dialog, setDialog] = useState<'assign' | 'transfer' | null>(null);
  return (
    <Group gap={6} wrap="nowrap">
      <MultiSelect
        size="xs"
        w={160}
        aria-label={t('thread.labels')}
        placeholder={t('thread.labels')}
        data={(labels.data?.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
        value={(conv.labels ?? []).map((l) => l.id)}
        onChange={(ids) => setLabels.mutate({ before: (conv.labels ?? []).map((l) => l.id), after: ids })}
      />
      <Tooltip label={conv.important ? t('thread.unmarkImportant') : t('thread.markImportant')}>
        <ActionIcon
          variant={conv.important ? 'filled' : 'default'}
          color="yellow"
          size="lg"
          aria-pressed={conv.important}
          aria-label={conv.important ? t('thread.unmarkImportant') : t('thread.markImportant')}
          onClick={() => setImportant.mutate({ important: !conv.important })}
          data-testid="toggle-important"
        >
          ★
        </ActionIcon>
      </Tooltip>
      <Button size="xs" variant="default" onClick={() => setDialog('assign')}>
        {t('thread.assign')}
      </Button>
      <Button size="xs" variant="default" onClick={() => setDialog('transfer')}>
        {t('thread.transfer')}
      </Button>
      {conv.state === 'resolved' ? (
        <Button size="xs" variant="light" onClick={() => setState.mutate({ state: 'open' })} loading={setState.isPending} data-testid="reopen">
          {t('thread.reopen')}
        </Button>
      ) : (
        <>
          {conv.state === 'open' && (
            <Button size="xs" variant="default" onClick={() => setState.mutate({ state: 'pending' })}>
              {t('thread.pending')}
            </Button>
          )}
          <Button size="xs" color="teal" onClick={() => setState.mutate({ state: 'resolved' })} loading={setState.isPending} data-testid="resolve">
            {t('thread.resolve')}
          </Button>
        </>
      )}
      {dialog && <AssignDialog conv={conv} transfer={dialog === 'transfer'} onClose={() => setDialog(null)} />}
    </Group>
  );
}
