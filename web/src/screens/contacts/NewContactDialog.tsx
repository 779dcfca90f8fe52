import { useState } from 'react';
import { Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useCreateContact } from '../../api/contacts.ts';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../components/Problems.tsx';

export function NewContactButton() {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const create = useCreateContact();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [email, setEmail] = useState('');
  const [kind, setKind] = useState<string>('lead');
  const [country, setCountry] = useState('ES');
  const save = () =>
    create.mutate(
      { name: name || undefined, phone: phone || undefined, email: email || undefined, kind: kind as 'lead', defaultCountry: country || undefined },
      {
        onSuccess: (c) => {
          setOpen(false);
          void navigate({ to: '/contacts/$contactId', params: { contactId: c.id } });
        },
      },
    );
  return (
    <>
      <Button onClick={() => setOpen(true)}>{t('contact.new')}</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('contact.new')}>
        <Stack>
          <TextInput label={t('contact.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <TextInput label={t('contact.phone')} value={phone} onChange={(e) => setPhone(e.currentTarget.value)} />
          <TextInput label={t('contact.defaultCountry')} value={country} onChange={(e) => setCountry(e.currentTarget.value.toUpperCase())} maxLength={2} />
          <TextInput label={t('contact.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <Select
            label={t('contact.kind')}
            value={kind}
            onChange={(v) => setKind(v ?? 'lead')}
            data={(['lead', 'customer', 'supplier'] as const).map((k) => ({ value: k, label: t(`contact.kind.${k}`) }))}
          />
          {create.error && <div role="alert" style={{ color: 'var(--mantine-color-red-7)' }}>{errorText(create.error, t('app.error'))}</div>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>{t('app.cancel')}</Button>
            <Button onClick={save} loading={create.isPending}>{t('app.create')}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
