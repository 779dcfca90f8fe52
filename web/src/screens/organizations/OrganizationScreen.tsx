// One organization: its details and custom fields (editable), its contacts, a link to them in the contacts list, and delete.
import { useEffect, useRef, useState } from 'react';
import { Badge, Button, Card, Center, Grid, Group, Loader, Modal, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import {
  useDeleteOrganization, useFieldDefinitions, useOrganization, useUpdateOrganization,
  type CustomField, type OrganizationDetail, type OrganizationKind,
} from '../../api/crm-admin.ts';
import { AnchorLink, ButtonLink } from '../../components/links.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';
import { placeErrors } from '../../components/forms.tsx';
import { FieldInput, fieldErrors, fieldPatch, toInput, useShowValue, type CustomFieldDef } from '../../components/custom-fields.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { useSession } from '../../session.tsx';
import { ContactsTable } from '../contacts/ContactsTable.tsx';
import { organizationFilter } from './filter.ts';
import { ORG_INPUTS, useKindOptions } from './OrganizationsScreen.tsx';

/** GET /organizations/:id lists at most this many contacts. */
const CONTACTS_LIMIT = 500;

/** Errors of `invalid_fields` go under their custom field; the rest are about name, domain or type. */
function placeOrgErrors(error: unknown, defs: CustomFieldDef[]) {
  const fields = fieldErrors(error, defs);
  if (fields) return { byInput: {} as Partial<Record<(typeof ORG_INPUTS)[number], string>>, ...fields };
  return { ...placeErrors(error, ORG_INPUTS), byKey: {} as Record<string, string> };
}

function EditOrganization({ org, defs, update }: { org: OrganizationDetail; defs: CustomField[]; update: ReturnType<typeof useUpdateOrganization> }) {
  const { t } = useI18n();
  const kinds = useKindOptions();
  const [f, setF] = useState({ name: org.name, domain: org.domain ?? '', kind: org.kind });
  const [initial] = useState(() => Object.fromEntries(defs.map((d) => [d.key, toInput(d, org.fields[d.key])])));
  const [values, setValues] = useState(initial);
  const formRef = useRef<HTMLDivElement>(null);
  const placed = placeOrgErrors(update.error, defs);
  // Land keyboard and screen-reader users on the first input the server complained about.
  useEffect(() => {
    if (update.error) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [update.error]);
  const save = () => {
    const fields = fieldPatch(defs, initial, values);
    update.mutate({
      id: org.id,
      patch: { name: f.name, domain: f.domain.trim() || null, kind: f.kind, ...(Object.keys(fields).length ? { fields } : {}) },
    });
  };
  return (
    <Card withBorder>
      <Stack gap="xs" component="form" ref={formRef} data-testid="org-edit" onSubmit={(e: React.FormEvent) => { e.preventDefault(); save(); }}>
        <Title order={3} size="h5">{t('org.edit')}</Title>
        <TextInput label={t('org.name')} required maxLength={200} value={f.name} onChange={(e) => { const name = e.currentTarget.value; setF((s) => ({ ...s, name })); }} error={placed.byInput.name} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label={t('org.domain')} placeholder={t('org.domainPlaceholder')} maxLength={200} value={f.domain} onChange={(e) => { const domain = e.currentTarget.value; setF((s) => ({ ...s, domain })); }} error={placed.byInput.domain} />
          <Select label={t('org.kind')} allowDeselect={false} value={f.kind} onChange={(v) => v && setF((s) => ({ ...s, kind: v as OrganizationKind }))} data={kinds} error={placed.byInput.kind} />
        </SimpleGrid>
        {defs.map((d) => (
          <FieldInput key={d.key} def={d} value={values[d.key]} error={placed.byKey[d.key]} onChange={(v) => setValues((o) => ({ ...o, [d.key]: v }))} />
        ))}
        {placed.other && <Text size="sm" c="red" role="alert">{errorText(update.error, t('app.error'))}</Text>}
        {update.isSuccess && <Text size="sm" c="teal" role="status">{t('app.saved')}</Text>}
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending} disabled={!f.name.trim()}>{t('app.save')}</Button>
        </Group>
      </Stack>
    </Card>
  );
}

function DeleteOrganization({ org }: { org: OrganizationDetail }) {
  const { t, number } = useI18n();
  const navigate = useNavigate();
  const remove = useDeleteOrganization();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button color="red" variant="light" onClick={() => setOpen(true)}>{t('org.delete')}</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t('org.deleteTitle', { name: org.name })}>
        <Stack>
          <Text size="sm">{t('org.deleteBody', { count: number(org.contacts.length) })}</Text>
          {remove.error ? <Text size="sm" c="red" role="alert">{errorText(remove.error, t('app.error'))}</Text> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>{t('app.cancel')}</Button>
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(org.id, { onSuccess: () => void navigate({ to: '/organizations' }) })}>
              {t('app.delete')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function Contacts({ org }: { org: OrganizationDetail }) {
  const { t, number } = useI18n();
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={3} size="h5">{t('org.people', { count: number(org.contacts.length) })}</Title>
        {org.contacts.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="org-no-contacts">{t('org.noContacts')}</Text>
        ) : (
          <ContactsTable rows={org.contacts} testId="org-contacts" />
        )}
        {org.contacts.length >= CONTACTS_LIMIT && <Text size="sm" c="dimmed">{t('org.contactsLimit', { count: number(CONTACTS_LIMIT) })}</Text>}
      </Stack>
    </Card>
  );
}

export function OrganizationScreen({ organizationId }: { organizationId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { role } = useSession();
  const org = useOrganization(organizationId);
  const defs = useFieldDefinitions('organization');
  // Lives here, not in the form: the form is rebuilt from each saved version, and "Saved" should outlast that.
  const update = useUpdateOrganization();
  const showValue = useShowValue();
  if (org.error) return <ErrorMessage error={org.error} onRetry={() => void org.refetch()} />;
  if (!org.data || !defs.data) {
    return defs.error ? <ErrorMessage error={defs.error} onRetry={() => void defs.refetch()} /> : <Center p="xl"><Loader /></Center>;
  }
  const o = org.data;
  const fieldDefs = defs.data.data;
  return (
    <Stack p="md" gap="sm" data-testid="organization-page">
      <AnchorLink to="/organizations">← {t('org.title')}</AnchorLink>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2} data-testid="org-name">{o.name}</Title>
          <Group gap={6}>
            <Badge variant="light" data-testid="org-kind">{t(`org.kind.${o.kind}`)}</Badge>
            {o.domain && <Text size="sm" c="dimmed">{o.domain}</Text>}
          </Group>
        </div>
        <Group>
          <ButtonLink to="/contacts" search={{ filter: organizationFilter(o.name) }} variant="default">{t('org.seeInContacts')}</ButtonLink>
          {/* Deleting is for supervisors and up (contacts.merge); the API refuses agents too. */}
          {role !== null && role !== 'agent' && <DeleteOrganization org={o} />}
        </Group>
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <Card withBorder>
              <Stack gap="xs">
                <Title order={3} size="h5">{t('org.details')}</Title>
                <Table withRowBorders={false} verticalSpacing={2} fz="sm" data-testid="org-details">
                  <Table.Tbody>
                    <Table.Tr><Table.Th>{t('org.domain')}</Table.Th><Table.Td>{o.domain ?? '—'}</Table.Td></Table.Tr>
                    <Table.Tr><Table.Th>{t('org.kind')}</Table.Th><Table.Td>{t(`org.kind.${o.kind}`)}</Table.Td></Table.Tr>
                    {fieldDefs.map((d) => (
                      <Table.Tr key={d.key} data-testid="org-field" data-key={d.key}>
                        <Table.Th>{d.label}</Table.Th>
                        <Table.Td>{showValue(d, o.fields[d.key])}</Table.Td>
                      </Table.Tr>
                    ))}
                    <Table.Tr><Table.Th>{t('org.created')}</Table.Th><Table.Td>{i18n.dateTime(o.createdAt)}</Table.Td></Table.Tr>
                  </Table.Tbody>
                </Table>
                {fieldDefs.length === 0 && <Text size="xs" c="dimmed">{t('org.noFields')}</Text>}
              </Stack>
            </Card>
            <EditOrganization key={o.updatedAt} org={o} defs={fieldDefs} update={update} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Contacts org={o} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
