import { useState } from 'react';
import { Alert, Badge, Button, Code, CopyButton, Group, MultiSelect, NumberInput, PasswordInput, Select, SimpleGrid, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { useChange } from '../../api/mutations.ts';
import { useLabels, useQuickReplies } from '../../api/inbox.ts';
import { useNumbers, useTeams, useUsers } from '../../api/numbers.ts';
import type { Language, Role } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';


export function Problem({ error }: { error: unknown }) {
  const { t } = useI18n();
  return error ? <Text size="sm" c="red" role="alert">{errorText(error, t('app.error'))}</Text> : null;
}

export function NumbersSection() {
  const { t } = useI18n();
  const numbers = useNumbers();
  const teams = useTeams();
  const [f, setF] = useState({ phoneNumberId: '', wabaId: '', displayPhoneNumber: '', verifiedName: '', accessToken: '', appSecret: '', verifyToken: '', throughputMps: 80 });
  const add = useChange((b: typeof f) => api.post('/api/v1/numbers', { ...b, verifiedName: b.verifiedName || null }), [['numbers']]);
  const set = (k: keyof typeof f) => (e: React.ChangeEvent<HTMLInputElement>) => setF({ ...f, [k]: e.currentTarget.value });
  if (numbers.error) return <ErrorMessage error={numbers.error} />;
  return (
    <Stack>
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('settings.number.display')}</Table.Th>
            <Table.Th>{t('settings.number.verifiedName')}</Table.Th>
            <Table.Th>{t('settings.number.phoneNumberId')}</Table.Th>
            <Table.Th>{t('settings.number.quality')}</Table.Th>
            <Table.Th>{t('settings.number.tier')}</Table.Th>
            <Table.Th>{t('settings.number.throughput')}</Table.Th>
            <Table.Th>{t('thread.team')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(numbers.data?.data ?? []).map((n) => (
            <Table.Tr key={n.id}>
              <Table.Td>{n.displayPhoneNumber}</Table.Td>
              <Table.Td>{n.verifiedName ?? ''}</Table.Td>
              <Table.Td><Code>{n.phoneNumberId}</Code></Table.Td>
              <Table.Td>
                <Badge color={n.qualityRating === 'GREEN' ? 'teal' : n.qualityRating === 'YELLOW' ? 'yellow' : n.qualityRating === 'RED' ? 'red' : 'gray'} variant="light">{n.qualityRating ?? '—'}</Badge>
              </Table.Td>
              <Table.Td>{n.messagingLimitTier ?? '—'}</Table.Td>
              <Table.Td>{n.throughputMps}</Table.Td>
              <Table.Td>{(teams.data?.data ?? []).find((x) => x.id === n.teamId)?.name ?? '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text fw={600}>{t('settings.number.add')}</Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('settings.number.phoneNumberId')} required value={f.phoneNumberId} onChange={set('phoneNumberId')} />
        <TextInput label={t('settings.number.wabaId')} required value={f.wabaId} onChange={set('wabaId')} />
        <TextInput label={t('settings.number.display')} required value={f.displayPhoneNumber} onChange={set('displayPhoneNumber')} />
        <TextInput label={t('settings.number.verifiedName')} value={f.verifiedName} onChange={set('verifiedName')} />
        <PasswordInput label={t('settings.number.accessToken')} required value={f.accessToken} onChange={set('accessToken')} autoComplete="off" />
        <PasswordInput label={t('settings.number.appSecret')} required value={f.appSecret} onChange={set('appSecret')} autoComplete="off" />
        <TextInput label={t('settings.number.verifyToken')} required value={f.verifyToken} onChange={set('verifyToken')} />
        <NumberInput label={t('settings.number.throughput')} min={1} max={10000} value={f.throughputMps} onChange={(v) => setF({ ...f, throughputMps: Number(v) || 80 })} />
      </SimpleGrid>
      <Problem error={add.error} />
      <Group><Button onClick={() => add.mutate(f)} loading={add.isPending}>{t('app.add')}</Button></Group>
    </Stack>
  );
}

export function TeamsSection() {
  const { t } = useI18n();
  const teams = useTeams();
  const users = useUsers();
  const [name, setName] = useState('');
  const create = useChange((b: { name: string }) => api.post('/api/v1/teams', b), [['teams']]);
  const patch = useChange((b: { id: string; assignment: string }) => api.patch(`/api/v1/teams/${b.id}`, { assignment: b.assignment }), [['teams']]);
  const members = useChange((b: { id: string; userIds: string[] }) => api.put(`/api/v1/teams/${b.id}/members`, { userIds: b.userIds }), [['teams'], ['users']]);
  if (teams.error) return <ErrorMessage error={teams.error} />;
  const userOptions = (users.data?.data ?? []).map((u) => ({ value: u.id, label: u.name }));
  return (
    <Stack>
      {(teams.data?.data ?? []).map((team) => (
        <Group key={team.id} align="flex-end" wrap="nowrap">
          <Text fw={600} w={160}>{team.name}</Text>
          <Select
            label={t('settings.team.assignment')}
            value={team.assignment}
            onChange={(v) => v && patch.mutate({ id: team.id, assignment: v })}
            data={(['manual', 'round_robin', 'least_busy'] as const).map((m) => ({ value: m, label: t(`settings.team.assignment.${m}`) }))}
          />
          <MultiSelect
            style={{ flex: 1 }}
            label={t('settings.team.members')}
            data={userOptions}
            value={team.memberIds ?? team.members?.map((m) => m.id) ?? []}
            onChange={(ids) => members.mutate({ id: team.id, userIds: ids })}
            searchable
          />
        </Group>
      ))}
      <Problem error={patch.error ?? members.error ?? create.error} />
      <Group align="flex-end">
        <TextInput label={t('settings.team.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button onClick={() => create.mutate({ name }, { onSuccess: () => setName('') })} disabled={!name.trim()} loading={create.isPending}>{t('app.create')}</Button>
      </Group>
    </Stack>
  );
}

const ROLES: Role[] = ['owner', 'admin', 'supervisor', 'agent'];

export function UsersSection() {
  const { t } = useI18n();
  const users = useUsers();
  const teams = useTeams();
  const [f, setF] = useState<{ email: string; name: string; role: Role; teamIds: string[]; language: Language | null }>({ email: '', name: '', role: 'agent', teamIds: [], language: null });
  const [invite, setInvite] = useState<{ url: string; email: string } | null>(null);
  const create = useChange((b: typeof f) => api.post<{ inviteUrl: string; user: { email: string } }>('/api/v1/users/invitations', { email: b.email, name: b.name, role: b.role, teamIds: b.teamIds, ...(b.language ? { language: b.language } : {}) }), [['users']]);
  const patch = useChange((b: { id: string; role?: Role; disabled?: boolean }) => api.patch(`/api/v1/users/${b.id}`, { role: b.role, disabled: b.disabled }), [['users']]);
  if (users.error) return <ErrorMessage error={users.error} />;
  return (
    <Stack>
      <Table striped withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('settings.user.name')}</Table.Th>
            <Table.Th>{t('settings.user.email')}</Table.Th>
            <Table.Th>{t('settings.user.role')}</Table.Th>
            <Table.Th>{t('settings.teams')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(users.data?.data ?? []).map((u) => (
            <Table.Tr key={u.id}>
              <Table.Td>{u.name} {u.disabledAt && <Badge color="gray">{t('settings.user.disabled')}</Badge>}</Table.Td>
              <Table.Td>{u.email}</Table.Td>
              <Table.Td>
                <Select size="xs" aria-label={`${t('settings.user.role')}: ${u.name}`} value={u.role} onChange={(v) => v && patch.mutate({ id: u.id, role: v as Role })} data={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
              </Table.Td>
              <Table.Td>{u.teamIds.map((id) => (teams.data?.data ?? []).find((x) => x.id === id)?.name).filter(Boolean).join(', ')}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text fw={600}>{t('settings.user.invite')}</Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('settings.user.email')} type="email" required value={f.email} onChange={(e) => setF({ ...f, email: e.currentTarget.value })} />
        <TextInput label={t('settings.user.name')} required value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} />
        <Select label={t('settings.user.role')} value={f.role} onChange={(v) => setF({ ...f, role: (v as Role) ?? 'agent' })} data={ROLES.filter((r) => r !== 'owner').map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        <MultiSelect label={t('settings.teams')} value={f.teamIds} onChange={(ids) => setF({ ...f, teamIds: ids })} data={(teams.data?.data ?? []).map((x) => ({ value: x.id, label: x.name }))} />
      </SimpleGrid>
      <Problem error={create.error ?? patch.error} />
      <Group>
        <Button onClick={() => create.mutate(f, { onSuccess: (r) => setInvite({ url: r.inviteUrl, email: r.user.email }) })} loading={create.isPending}>{t('settings.user.invite')}</Button>
      </Group>
      {invite && (
        <Alert color="teal" data-testid="invite-link">
          <Text size="sm">{t('settings.user.inviteLink', { email: invite.email })}</Text>
          <Group gap="xs" wrap="nowrap">
            <Code style={{ wordBreak: 'break-all' }}>{invite.url}</Code>
            <CopyButton value={invite.url}>{({ copied, copy }) => <Button size="xs" variant="light" onClick={copy}>{copied ? '✓' : 'Copy'}</Button>}</CopyButton>
          </Group>
        </Alert>
      )}
    </Stack>
  );
}

export function QuickRepliesSection() {
  const { t } = useI18n();
  const list = useQuickReplies();
  const [f, setF] = useState({ shortcut: '', title: '', body: '', language: null as Language | null });
  const create = useChange((b: typeof f) => api.post('/api/v1/quick-replies', b), [['quick-replies']]);
  const remove = useChange((id: string) => api.del(`/api/v1/quick-replies/${id}`), [['quick-replies']]);
  if (list.error) return <ErrorMessage error={list.error} />;
  return (
    <Stack>
      <Table striped withTableBorder>
        <Table.Tbody>
          {(list.data?.data ?? []).map((q) => (
            <Table.Tr key={q.id}>
              <Table.Td><Code>/{q.shortcut}</Code></Table.Td>
              <Table.Td>{q.title}</Table.Td>
              <Table.Td><Text size="sm" lineClamp={2}>{q.body}</Text></Table.Td>
              <Table.Td>{q.language ?? '—'}</Table.Td>
              <Table.Td><Button size="compact-xs" color="red" variant="subtle" onClick={() => remove.mutate(q.id)}>{t('app.delete')}</Button></Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label={t('settings.qr.shortcut')} value={f.shortcut} onChange={(e) => setF({ ...f, shortcut: e.currentTarget.value.replace(/^\//, '') })} />
        <TextInput label={t('settings.qr.title')} value={f.title} onChange={(e) => setF({ ...f, title: e.currentTarget.value })} />
        <Select label={t('app.language')} clearable value={f.language} onChange={(v) => setF({ ...f, language: v as Language | null })} data={[{ value: 'es', label: 'Español' }, { value: 'en', label: 'English' }]} />
      </SimpleGrid>
      <Textarea label={t('settings.qr.body')} value={f.body} onChange={(e) => setF({ ...f, body: e.currentTarget.value })} autosize minRows={2} />
      <Problem error={create.error ?? remove.error} />
      <Group><Button onClick={() => create.mutate(f, { onSuccess: () => setF({ shortcut: '', title: '', body: '', language: null }) })} loading={create.isPending}>{t('app.add')}</Button></Group>
    </Stack>
  );
}

export function LabelsSection() {
  const { t } = useI18n();
  const labels = useLabels();
  const [name, setName] = useState('');
  const [color, setColor] = useState<string | null>('blue');
  const create = useChange((b: { name: string; color: string | null }) => api.post('/api/v1/labels', b), [['labels']]);
  const remove = useChange((id: string) => api.del(`/api/v1/labels/${id}`), [['labels']]);
  if (labels.error) return <ErrorMessage error={labels.error} />;
  return (
    <Stack>
      <Group gap="xs">
        {(labels.data?.data ?? []).map((l) => (
          <Badge key={l.id} color={l.color ?? 'blue'} variant="light" rightSection={<button type="button" aria-label={`${t('app.delete')} ${l.name}`} onClick={() => remove.mutate(l.id)} style={{ border: 0, background: 'none', cursor: 'pointer' }}>×</button>}>
            {l.name}
          </Badge>
        ))}
      </Group>
      <Group align="flex-end">
        <TextInput label={t('settings.label.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Select label={t('settings.label.color')} value={color} onChange={setColor} data={['blue', 'teal', 'green', 'yellow', 'orange', 'red', 'grape', 'gray']} w={140} />
        <Button onClick={() => create.mutate({ name, color }, { onSuccess: () => setName('') })} disabled={!name.trim()} loading={create.isPending}>{t('app.add')}</Button>
      </Group>
      <Problem error={create.error ?? remove.error} />
    </Stack>
  );
}

interface Keywords {
  optOut: string[];
  optIn: string[];
  confirmations: { optOut: Record<string, string>; optIn: Record<string, string> };
}

/** Languages offered for the confirmations: ours, Portuguese (a default keyword language), and any already stored. */
const CONFIRMATION_LANGS = ['es', 'en', 'pt'];

export function KeywordsSection() {
  const { t, lang } = useI18n();
  const q = useQuery({ queryKey: ['consent-keywords'], queryFn: () => api.get<Keywords>('/api/v1/settings/consent-keywords') });
  const save = useChange((b: Keywords) => api.put('/api/v1/settings/consent-keywords', b), [['consent-keywords']]);
  const [draft, setDraft] = useState<{ optOut: string; optIn: string; confirmations: Keywords['confirmations'] } | null>(null);
  if (q.error) return <ErrorMessage error={q.error} />;
  if (!q.data) return null;
  const d = draft ?? { optOut: q.data.optOut.join(', '), optIn: q.data.optIn.join(', '), confirmations: q.data.confirmations };
  const split = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const langs = [...new Set([...CONFIRMATION_LANGS, ...Object.keys(d.confirmations.optOut), ...Object.keys(d.confirmations.optIn)])];
  const names = new Intl.DisplayNames([lang], { type: 'language' });
  const setConfirmation = (kind: 'optOut' | 'optIn', l: string, text: string) =>
    setDraft({ ...d, confirmations: { ...d.confirmations, [kind]: { ...d.confirmations[kind], [l]: text } } });
  // An emptied language is dropped: the customer then gets the Spanish text, else the English one, else none.
  const cleaned = (table: Record<string, string>) => Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ''));
  return (
    <Stack maw={700}>
      <Textarea label={t('settings.keywords.optOut')} description={t('settings.keywords.help')} value={d.optOut} onChange={(e) => setDraft({ ...d, optOut: e.currentTarget.value })} autosize />
      <Textarea label={t('settings.keywords.optIn')} value={d.optIn} onChange={(e) => setDraft({ ...d, optIn: e.currentTarget.value })} autosize />
      <Text size="sm" fw={600} mt="sm">{t('settings.keywords.confirmations')}</Text>
      <Text size="sm" c="dimmed">{t('settings.keywords.confirmationsHelp')}</Text>
      {langs.map((l) => (
        <SimpleGrid key={l} cols={{ base: 1, sm: 2 }}>
          <Textarea label={t('settings.keywords.confirmOut', { language: names.of(l) ?? l })} value={d.confirmations.optOut[l] ?? ''} maxLength={1024} autosize
            onChange={(e) => setConfirmation('optOut', l, e.currentTarget.value)} />
          <Textarea label={t('settings.keywords.confirmIn', { language: names.of(l) ?? l })} value={d.confirmations.optIn[l] ?? ''} maxLength={1024} autosize
            onChange={(e) => setConfirmation('optIn', l, e.currentTarget.value)} />
        </SimpleGrid>
      ))}
      <Problem error={save.error} />
      {save.isSuccess && <Text c="teal" size="sm">{t('app.saved')}</Text>}
      <Group>
        <Button
          onClick={() => save.mutate({ optOut: split(d.optOut), optIn: split(d.optIn), confirmations: { optOut: cleaned(d.confirmations.optOut), optIn: cleaned(d.confirmations.optIn) } })}
          loading={save.isPending}
        >
          {t('app.save')}
        </Button>
      </Group>
    </Stack>
  );
}

export function LanguageSection() {
  const { t } = useI18n();
  const { lang, setLang } = useSession();
  return (
    <Stack maw={400}>
      <Select label={t('settings.language')} description={t('settings.language.help')} value={lang} onChange={(v) => v && setLang(v as Language)} data={[{ value: 'es', label: 'Español' }, { value: 'en', label: 'English' }]} />
    </Stack>
  );
}
