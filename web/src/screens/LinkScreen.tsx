import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useLinkInfo, useRedeemLink } from '../api/auth.ts';
import { useI18n } from '../i18n/index.tsx';
import { errorText } from '../components/Problems.tsx';
import { LanguageSwitch } from '../components/AppLayout.tsx';

const MIN_PASSWORD = 8;

/** One-time link: first owner sign-in, invitation acceptance or password reset. */
export function LinkScreen({ invite = false }: { invite?: boolean }) {
  const { t } = useI18n();
  const { token } = useSearch({ strict: false }) as { token?: string };
  const redeem = useRedeemLink();
  const info = useLinkInfo(token ?? '');
  const isInvite = invite || info.data?.purpose === 'invite';
  const needsEmail = info.data?.purpose === 'owner_setup' && !info.data.email;
  const [email, setEmail] = useState('');
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD) return setProblem(t('link.tooShort', { min: MIN_PASSWORD }));
    if (password !== confirm) return setProblem(t('link.mismatch'));
    setProblem(null);
    const chosenName = name.trim() || info.data?.name || '';
    redeem.mutate(
      { invite: isInvite, token: token ?? '', password, ...(chosenName ? { name: chosenName } : {}), ...(needsEmail && email.trim() ? { email: email.trim() } : {}) },
      { onSuccess: () => void navigate({ to: '/inbox' }) },
    );
  };
  return (
    <Center h="100%" p="md" bg="gray.0">
      <Paper component="form" onSubmit={submit} withBorder shadow="sm" p="xl" w={400} aria-labelledby="link-title">
        <Stack>
          <Group justify="space-between">
            <Title order={1} size="h3" id="link-title">
              {isInvite ? t('link.inviteTitle') : t('link.title')}
            </Title>
            <LanguageSwitch />
          </Group>
          {!token && <Alert color="red" role="alert">{t('link.missingToken')}</Alert>}
          {(problem ?? redeem.error) && (
            <Alert color="red" role="alert">
              {problem ?? errorText(redeem.error, t('app.error'))}
            </Alert>
          )}
          {info.error && <Alert color="red" role="alert">{errorText(info.error, t('app.error'))}</Alert>}
          {info.data?.email && <TextInput label={t('signin.email')} value={info.data.email} readOnly />}
          {needsEmail && <TextInput label={t('signin.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />}
          {(isInvite || info.data?.purpose === 'owner_setup') && (
            <TextInput label={t('link.name')} autoComplete="name" required={isInvite} value={name} placeholder={info.data?.name} onChange={(e) => setName(e.currentTarget.value)} />
          )}
          <PasswordInput label={t('link.password')} autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} description={t('link.tooShort', { min: MIN_PASSWORD })} />
          <PasswordInput label={t('link.confirm')} autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.currentTarget.value)} />
          <Button type="submit" loading={redeem.isPending} disabled={!token}>
            {t('link.submit')}
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
