import type { ReactNode } from 'react';
import { AppShell, Badge, Button, Group, SegmentedControl, Text, Tooltip } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useSession } from '../session.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useSignOut } from '../api/auth.ts';
import { useLiveEvents } from '../live/events.ts';
import type { Language } from '../api/types.ts';

export function LanguageSwitch() {
  const { lang, setLang } = useSession();
  const { t } = useI18n();
  return (
    <SegmentedControl
      size="xs"
      aria-label={t('app.language')}
      value={lang}
      onChange={(v) => setLang(v as Language)}
      data={[
        { value: 'es', label: 'ES' },
        { value: 'en', label: 'EN' },
      ]}
    />
  );
}

export function AppLayout({ children }: { children: ReactNode }) {
  const { me, isAdmin } = useSession();
  const { t } = useI18n();
  const signOut = useSignOut();
  const live = useLiveEvents(!!me);
  const navLink = (to: '/inbox' | '/contacts' | '/organizations' | '/import' | '/templates' | '/campaigns' | '/settings', label: string) => (
    <Button component={Link} to={to} variant="subtle" size="compact-md" activeProps={{ 'aria-current': 'page', style: { fontWeight: 700 } }}>
      {label}
    </Button>
  );
  return (
    <AppShell header={{ height: 52 }} padding={0}>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap" component="nav" aria-label={t('app.mainNav')}>
            <Text fw={800} c="teal.7" mr="sm">
              {t('app.name')}
            </Text>
            {navLink('/inbox', t('nav.inbox'))}
            {navLink('/contacts', t('nav.contacts'))}
            {navLink('/organizations', t('nav.organizations'))}
            {navLink('/import', t('nav.import'))}
            {navLink('/templates', t('nav.templates'))}
            {me && me.user.role !== 'agent' && navLink('/campaigns', t('nav.campaigns'))}
            {isAdmin && navLink('/settings', t('nav.settings'))}
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Tooltip label={live === 'open' ? t('app.live.connected') : t('app.live.reconnecting')}>
              <Badge color={live === 'open' ? 'teal' : 'gray'} variant="dot" data-testid="live-status" data-state={live}>
                {live === 'open' ? t('app.live.connected') : t('app.live.reconnecting')}
              </Badge>
            </Tooltip>
            <LanguageSwitch />
            <Text size="sm" data-testid="current-user">
              {me?.user.name} · {me ? t(`role.${me.user.role}`) : ''}
            </Text>
            <Button size="compact-sm" variant="default" onClick={() => signOut.mutate()}>
              {t('app.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Main id="main" style={{ height: '100dvh', display: 'flex', flexDirection: 'column' }}>
        <div style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>{children}</div>
      </AppShell.Main>
    </AppShell>
  );
}
