import { Tabs, Title, Stack } from '@mantine/core';
import { Navigate, useNavigate } from '@tanstack/react-router';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { KeywordsSection, LabelsSection, LanguageSection, NumbersSection, QuickRepliesSection, TeamsSection, UsersSection } from './sections.tsx';
import { RateCardsSection, TemplatesSyncSection } from './library.tsx';
import { CustomFieldsSection, SuppressionsSection } from './crm.tsx';

const SECTIONS: { id: string; label: MessageKey; render: () => React.ReactNode }[] = [
  { id: 'numbers', label: 'settings.numbers', render: () => <NumbersSection /> },
  { id: 'teams', label: 'settings.teams', render: () => <TeamsSection /> },
  { id: 'users', label: 'settings.users', render: () => <UsersSection /> },
  { id: 'quick-replies', label: 'settings.quickReplies', render: () => <QuickRepliesSection /> },
  { id: 'labels', label: 'settings.labels', render: () => <LabelsSection /> },
  { id: 'keywords', label: 'settings.keywords', render: () => <KeywordsSection /> },
  { id: 'fields', label: 'settings.fields', render: () => <CustomFieldsSection /> },
  { id: 'suppressions', label: 'settings.suppressions', render: () => <SuppressionsSection /> },
  { id: 'templates', label: 'settings.templates', render: () => <TemplatesSyncSection /> },
  { id: 'rate-cards', label: 'settings.rateCards', render: () => <RateCardsSection /> },
  { id: 'language', label: 'settings.language', render: () => <LanguageSection /> },
];

/** Owner/admin only (the router shows "no access" to others; the API answers 403 anyway). */
export function SettingsScreen({ section }: { section?: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  // Organizations used to be a section here; old links land on their own screen.
  if (section === 'organizations') return <Navigate to="/organizations" replace />;
  const active = SECTIONS.some((s) => s.id === section) ? section! : 'numbers';
  return (
    <Stack p="md" maw={1100}>
      <Title order={2}>{t('settings.title')}</Title>
      <Tabs value={active} onChange={(v) => v && void navigate({ to: '/settings/$section', params: { section: v } })} keepMounted={false}>
        <Tabs.List>
          {SECTIONS.map((s) => (
            <Tabs.Tab key={s.id} value={s.id}>
              {t(s.label)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {SECTIONS.map((s) => (
          <Tabs.Panel key={s.id} value={s.id} pt="md">
            {s.render()}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
