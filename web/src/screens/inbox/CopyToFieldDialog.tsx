// "Copy this message into field X": a customer wrote their e-mail, address or company in the chat; the agent
// files it in the contact's name, e-mail or one of its custom fields without retyping. The server checks the
// value against the field's type (a number field refuses "tomorrow") and says why.
import { useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useCopyMessageToField } from '../../api/contacts.ts';
import { useFieldDefinitions } from '../../api/crm-admin.ts';
import type { Message } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../components/Problems.tsx';
import { copyableText } from './MessageBubble.tsx';

export function CopyToFieldDialog({ contactId, message, onClose }: { contactId: string; message: Message; onClose: () => void }) {
  const { t } = useI18n();
  const fields = useFieldDefinitions('contact');
  const copy = useCopyMessageToField(contactId);
  const [field, setField] = useState<string | null>(null);
  // Values: "contact:name" / "contact:email" for the record's own fields, "field:<key>" for custom ones.
  const custom = (fields.data?.data ?? []).map((f) => ({ value: `field:${f.key}`, label: f.label }));
  const own = [{ value: 'contact:name', label: t('contact.name') }, { value: 'contact:email', label: t('contact.email') }];
  const options = [{ group: t('copyField.own'), items: own }, ...(custom.length ? [{ group: t('copyField.custom'), items: custom }] : [])];
  const label = [...own, ...custom].find((o) => o.value === field)?.label ?? '';
  const target = (v: string) => (v.startsWith('field:') ? { field: v.slice('field:'.length) } : { contactField: v === 'contact:email' ? ('email' as const) : ('name' as const) });
  const run = () =>
    field &&
    copy.mutate({ messageId: message.id, ...target(field) }, {
      onSuccess: () => {
        notifications.show({ message: t('copyField.done', { field: label }), color: 'green' });
        onClose();
      },
    });
  return (
    <Modal opened onClose={onClose} title={t('copyField.title')}>
      <Stack>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} className="bubble bubble-in" data-testid="copy-source">
          {copyableText(message)}
        </Text>
        <Select label={t('copyField.field')} placeholder={t('copyField.choose')} data={options} value={field} onChange={(v) => { copy.reset(); setField(v); }} searchable data-autofocus />
        {field === 'contact:email' && <Text size="xs" c="dimmed">{t('copyField.emailHelp')}</Text>}
        {fields.isSuccess && custom.length === 0 && <Text size="xs" c="dimmed">{t('copyField.noFields')}</Text>}
        {copy.error && <Alert color="red" role="alert">{errorText(copy.error, t('app.error'))}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>{t('app.cancel')}</Button>
          <Button onClick={run} disabled={!field} loading={copy.isPending}>{t('copyField.copy')}</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
