import { useState, type FormEvent } from 'react';
import { Alert, Button, Center, Group, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useNavigate, useRouterState } from '@tanstack/react-router';
import { useSignIn } from '../api/auth.ts';
import { useI18n } from '../i18n/index.tsx';
import { errorText } from '../components/Problems.tsx';
import { LanguageSwitch } from '../components/AppLayout.tsx';

export function SignInScreen() {
  const { t } = useI18n();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const path = useRouterState({ select: (s) => s.location.pathname });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate(
      { email, password },
      {
        onSuccess: () => {
          // On /signin itself go to the inbox; elsewhere the app renders the page that was asked for.
          if (path.startsWith('/signin')) void navigate({ to: '/inbox' });
        },
      },
    );
  };
  return (
    <Center h="100%" p="md" bg="gray.0">
      <Paper component="form" onSubmit={submit} withBorder shadow="sm" p="xl" w={380} aria-labelledby="signin-title">
        <Stack>
          <Group justify="space-between">
            <Title order={1} size="h3" id="signin-title">
              {t('signin.title')}
            </Title>
            <LanguageSwitch />
          </Group>
          {signIn.error && (
            <Alert color="red" title={t('signin.failed')} role="alert">
              {errorText(signIn.error, t('app.error'))}
            </Alert>
          )}
          <TextInput label={t('signin.email')} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus autoFocus />
          <PasswordInput label={t('signin.password')} autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          <Button type="submit" loading={signIn.isPending}>
            {t('signin.submit')}
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
