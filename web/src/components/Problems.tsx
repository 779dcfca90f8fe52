import { Alert, Button, Center, Stack, Text, Title } from '@mantine/core';
import { ApiError } from '../api/client.ts';
import { useI18n } from '../i18n/index.tsx';

export function NoAccess({ message }: { message?: string }) {
  const { t } = useI18n();
  return (
    <Center h="100%" p="xl">
      <Stack align="center" gap="xs" role="alert" data-testid="no-access">
        <Title order={2}>{t('noAccess.title')}</Title>
        <Text c="dimmed">{message ?? t('noAccess.body')}</Text>
      </Stack>
    </Center>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <Center h="100%" p="xl">
      <Stack align="center" gap="xs">
        <Title order={2}>{t('notFound.title')}</Title>
        <Text c="dimmed">{t('notFound.body')}</Text>
      </Stack>
    </Center>
  );
}

/** Shows the server's message (never a stack trace) with a retry when one makes sense. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  if (error instanceof ApiError && error.status === 403) return <NoAccess />;
  const message = error instanceof ApiError ? (error.code === 'network_error' ? t('app.networkError') : error.message) : t('app.error');
  return (
    <Alert color="red" title={t('app.error')} role="alert" m="sm">
      <Text size="sm">{message}</Text>
      {onRetry && (
        <Button size="xs" variant="light" color="red" mt="xs" onClick={onRetry}>
          {t('app.retry')}
        </Button>
      )}
    </Alert>
  );
}

export function errorText(error: unknown, fallback: string): string {
  return error instanceof ApiError ? error.message : fallback;
}
