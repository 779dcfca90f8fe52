// Settings for the CRM: custom field definitions and the suppression list (organizations have their own screens).
import { useEffect, useRef, useState } from 'react';
import { Badge, Button, Checkbox, Code, Group, Modal, Radio, Select, SimpleGrid, Stack, Table, TagsInput, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import {
  FIELD_ENTITIES, FIELD_TYPES, hasOptions, useAddSuppression, useCreateField, useDeleteField, useFieldDefinitions, useRemoveSuppression, useSuppressions, useUpdateField,
  type CustomField, type FieldEntity, type FieldType, type Suppression,
} from '../../api/crm-admin.ts';
import { useUsers } from '../../api/numbers.ts';
import { ErrorMessage } from '../../components/Problems.tsx';
import { focusFirst, placeErrors } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { Problem } from './sections.tsx';

// ——— shared ———

/** A destructive action behind a confirmation dialog (the dialog names what goes and what happens). */
function ConfirmButton({ label, ariaLabel, title, body, confirmLabel, onConfirm, pending, error }: {
  label: string; ariaLabel: string; title: string; body: string; confirmLabel: string; onConfirm: (done: () => void) => void; pending: boolean; error: unknown;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="compact-sm" color="red" variant="subtle" aria-label={ariaLabel} onClick={() => setOpen(true)}>{label}</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title}>
        <Stack>
          <Text size="sm">{body}</Text>
          <Problem error={open ? error : null} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>{t('app.cancel')}</Button>
            <Button color="red" loading={pending} onClick={() => onConfirm(() => setOpen(false))}>{confirmLabel}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

// ——— custom fields ———

/** A key suggested from the label: "Fecha de alta" → "fecha_de_alta" (the server's FIELD_KEY rule). */
function keyFromLabel(label: string): string {
  const k = label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return (/^[a-z]/.test(k) || k === '' ? k : `f_${k}`).slice(0, 63);
}

const FIELD_INPUTS = ['label', 'key', 'type', 'options'] as const;

export function CustomFieldsSection() {
  const { t } = useI18n();
  const [entity, setEntity] = useState<FieldEntity>('contact');
  const list = useFieldDefinitions(entity);
  return (
    <Stack>
      <Text size="sm" c="dimmed">{t('settings.fields.help')}</Text>
      <Radio.Group label={t('settings.fields.entity')} value={entity} onChange={(v) => setEntity(v as FieldEntity)}>
        <Group mt={4}>
          {FIELD_ENTITIES.map((e) => <Radio key={e} value={e} label={t(`settings.fields.entity.${e}`)} />)}
        </Group>
      </Radio.Group>
      {list.error ? <ErrorMessage error={list.error} onRetry={() => void list.refetch()} /> : <FieldTable fields={list.data?.data} />}
      <Title order={3} size="h4">{t('settings.fields.new')}</Title>
      {/* A new form per entity: a half-typed contact field should not silently become an organization one. */}
      <NewFieldForm key={entity} entity={entity} />
    </Stack>
  );
}

function FieldTable({ fields }: { fields: CustomField[] | undefined }) {
  const { t } = useI18n();
  if (!fields) return null;
  if (fields.length === 0) return <Text size="sm" data-testid="fields-empty">{t('settings.fields.empty')}</Text>;
  return (
    <Table striped withTableBorder data-testid="fields-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('settings.fields.label')}</Table.Th>
          <Table.Th>{t('settings.fields.key')}</Table.Th>
          <Table.Th>{t('settings.fields.type')}</Table.Th>
          <Table.Th>{t('settings.fields.options')}</Table.Th>
          <Table.Th>{t('settings.fields.required')}</Table.Th>
          <Table.Th><VisuallyHidden>{t('settings.fields.actions')}</VisuallyHidden></Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {fields.map((f) => <FieldRow key={f.id} field={f} />)}
      </Table.Tbody>
    </Table>
  );
}

function FieldRow({ field }: { field: CustomField }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  const remove = useDeleteField();
  if (editing) return <FieldEditRow field={field} onDone={() => setEditing(false)} />;
  return (
    <Table.Tr data-testid="field-row" data-key={field.key}>
      <Table.Td>{field.label}</Table.Td>
      <Table.Td><Code>{field.key}</Code></Table.Td>
      <Table.Td>{t(`settings.fields.type.${field.type}`)}</Table.Td>
      <Table.Td>
        <Group gap={4}>{(field.options ?? []).map((o) => <Badge key={o} variant="light" tt="none">{o}</Badge>)}</Group>
      </Table.Td>
      <Table.Td>{field.required ? t('app.yes') : t('app.no')}</Table.Td>
      <Table.Td>
        <Group gap={4} wrap="nowrap" justify="flex-end">
          <Button size="compact-sm" variant="subtle" aria-label={`${t('app.edit')} ${field.label}`} onClick={() => setEditing(true)}>{t('app.edit')}</Button>
          <ConfirmButton
            label={t('app.delete')}
            ariaLabel={`${t('app.delete')} ${field.label}`}
            title={t('settings.fields.deleteTitle', { label: field.label })}
            body={t('settings.fields.deleteBody', { key: field.key })}
            confirmLabel={t('app.delete')}
            pending={remove.isPending}
            error={remove.error}
            onConfirm={(done) => remove.mutate(field.id, { onSuccess: done })}
          />
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** Label, options and "required" can change; key, type and entity are fixed once created (PATCH /fields/:id). */
function FieldEditRow({ field, onDone }: { field: CustomField; onDone: () => void }) {
  const { t } = useI18n();
  const update = useUpdateField();
  const [label, setLabel] = useState(field.label);
  const [options, setOptions] = useState<string[]>(field.options ?? []);
  const [required, setRequired] = useState(field.required);
  const refs = { label: useRef<HTMLInputElement>(null), options: useRef<HTMLInputElement>(null) };
  // The Edit button that had focus is gone: continue in the first input.
  useEffect(() => refs.label.current?.focus(), []);
  const placed = placeErrors(update.error, FIELD_INPUTS);
  const save = () =>
    update.mutate(
      { id: field.id, patch: { label, required, ...(hasOptions(field.type) ? { options } : {}) } },
      { onSuccess: onDone, onError: (err) => focusFirst(placeErrors(err, FIELD_INPUTS), ['label', 'options'], refs) },
    );
  return (
    <Table.Tr data-testid="field-edit" data-key={field.key}>
      <Table.Td colSpan={6}>
        <Stack gap="xs">
          <Text size="sm">
            {t('settings.fields.editing')} <Code>{field.key}</Code> · {t(`settings.fields.type.${field.type}`)}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: hasOptions(field.type) ? 2 : 1 }}>
            <TextInput ref={refs.label} label={t('settings.fields.label')} required value={label} onChange={(e) => setLabel(e.currentTarget.value)} error={placed.byInput.label} />
            {hasOptions(field.type) && (
              <TagsInput ref={refs.options} label={t('settings.fields.options')} description={t('settings.fields.optionsHelp')} value={options} onChange={setOptions} error={placed.byInput.options} />
            )}
          </SimpleGrid>
          <Checkbox label={t('settings.fields.required')} description={t('settings.fields.requiredHelp')} checked={required} onChange={(e) => setRequired(e.currentTarget.checked)} />
          <Problem error={placed.other ? update.error : null} />
          <Group>
            <Button size="sm" onClick={save} loading={update.isPending}>{t('app.save')}</Button>
            <Button size="sm" variant="default" onClick={onDone}>{t('app.cancel')}</Button>
          </Group>
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

const EMPTY_FIELD = { label: '', key: '', keyTouched: false, type: 'text' as FieldType, options: [] as string[], required: false };

function NewFieldForm({ entity }: { entity: FieldEntity }) {
  const { t } = useI18n();
  const create = useCreateField();
  const [f, setF] = useState(EMPTY_FIELD);
  const refs = { label: useRef<HTMLInputElement>(null), key: useRef<HTMLInputElement>(null), options: useRef<HTMLInputElement>(null) };
  const placed = placeErrors(create.error, FIELD_INPUTS, { field_exists: 'key' });
  const submit = () =>
    create.mutate(
      { entity, key: f.key, label: f.label, type: f.type, required: f.required, options: hasOptions(f.type) ? f.options : null },
      { onSuccess: () => setF(EMPTY_FIELD), onError: (err) => focusFirst(placeErrors(err, FIELD_INPUTS, { field_exists: 'key' }), ['label', 'key', 'options'], refs) },
    );
  return (
    <Stack data-testid="field-form" component="form" onSubmit={(e: React.FormEvent) => { e.preventDefault(); submit(); }}>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput
          ref={refs.label}
          label={t('settings.fields.label')}
          required
          value={f.label}
          // Until the key is typed by hand it follows the label.
          onChange={(e) => { const label = e.currentTarget.value; setF((s) => ({ ...s, label, key: s.keyTouched ? s.key : keyFromLabel(label) })); }}
          error={placed.byInput.label}
        />
        <TextInput
          ref={refs.key}
          label={t('settings.fields.key')}
          description={t('settings.fields.keyHelp')}
          required
          value={f.key}
          onChange={(e) => { const key = e.currentTarget.value; setF((s) => ({ ...s, key, keyTouched: true })); }}
          error={placed.byInput.key}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          autoComplete="off"
          spellCheck={false}
        />
        <Select
          label={t('settings.fields.type')}
          required
          allowDeselect={false}
          value={f.type}
          onChange={(v) => v && setF((s) => ({ ...s, type: v as FieldType }))}
          data={FIELD_TYPES.map((type) => ({ value: type, label: t(`settings.fields.type.${type}`) }))}
          error={placed.byInput.type}
        />
      </SimpleGrid>
      {hasOptions(f.type) && (
        <TagsInput
          ref={refs.options}
          label={t('settings.fields.options')}
          description={t('settings.fields.optionsHelp')}
          required
          value={f.options}
          onChange={(options) => setF((s) => ({ ...s, options }))}
          error={placed.byInput.options}
        />
      )}
      <Checkbox label={t('settings.fields.required')} description={t('settings.fields.requiredHelp')} checked={f.required} onChange={(e) => { const required = e.currentTarget.checked; setF((s) => ({ ...s, required })); }} />
      <Problem error={placed.other ? create.error : null} />
      <Group><Button type="submit" loading={create.isPending}>{t('settings.fields.create')}</Button></Group>
    </Stack>
  );
}

// ——— suppression list ———

/** Entries are wa_id digits (shown as +E.164) or BSUIDs (shown as they are). */
const showIdentifier = (id: string): string => (/^\d+$/.test(id) ? `+${id}` : id);

export function SuppressionsSection() {
  const { t, number } = useI18n();
  const list = useSuppressions();
  const [filter, setFilter] = useState('');
  if (list.error) return <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />;
  const rows = list.data?.data;
  const q = filter.trim().toLowerCase();
  const digits = q.replace(/\D/g, '');
  const shown = (rows ?? []).filter((s) => !q || (digits !== '' && s.identifier.includes(digits)) || s.identifier.toLowerCase().includes(q) || (s.reason ?? '').toLowerCase().includes(q));
  return (
    <Stack>
      <Text size="sm" c="dimmed">{t('settings.suppressions.help')}</Text>
      <AddSuppressionForm />
      {rows && rows.length > 0 && (
        <TextInput label={t('settings.suppressions.search')} value={filter} onChange={(e) => setFilter(e.currentTarget.value)} maw={360} type="search" />
      )}
      {rows && rows.length === 0 && <Text size="sm" data-testid="suppressions-empty">{t('settings.suppressions.empty')}</Text>}
      {rows && rows.length > 0 && <SuppressionTable rows={shown} />}
      {/* The server lists the newest 1,000. */}
      {rows && rows.length >= 1000 && <Text size="sm" c="dimmed">{t('settings.suppressions.limit', { count: number(1000) })}</Text>}
    </Stack>
  );
}

const SUPPRESSION_INPUTS = ['identifier', 'reason', 'defaultCountry'] as const;

function AddSuppressionForm() {
  const { t } = useI18n();
  const add = useAddSuppression();
  const [f, setF] = useState({ identifier: '', reason: '', defaultCountry: '' });
  const refs = { identifier: useRef<HTMLInputElement>(null), defaultCountry: useRef<HTMLInputElement>(null) };
  const codes = { invalid_identifier: 'identifier' } as const;
  const placed = placeErrors(add.error, SUPPRESSION_INPUTS, codes);
  const submit = () =>
    add.mutate(
      { identifier: f.identifier.trim(), ...(f.reason.trim() ? { reason: f.reason.trim() } : {}), ...(f.defaultCountry ? { defaultCountry: f.defaultCountry } : {}) },
      { onSuccess: () => setF({ identifier: '', reason: '', defaultCountry: f.defaultCountry }), onError: (err) => focusFirst(placeErrors(err, SUPPRESSION_INPUTS, codes), ['identifier', 'defaultCountry'], refs) },
    );
  return (
    <Stack data-testid="suppression-form" component="form" gap="xs" onSubmit={(e: React.FormEvent) => { e.preventDefault(); submit(); }}>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput ref={refs.identifier} label={t('settings.suppressions.number')} description={t('settings.suppressions.numberHelp')} required type="tel" autoComplete="off" value={f.identifier} onChange={(e) => { const identifier = e.currentTarget.value; setF((s) => ({ ...s, identifier })); }} error={placed.byInput.identifier} />
        <TextInput ref={refs.defaultCountry} label={t('settings.suppressions.country')} description={t('settings.suppressions.countryHelp')} maxLength={2} value={f.defaultCountry} onChange={(e) => { const defaultCountry = e.currentTarget.value.toUpperCase(); setF((s) => ({ ...s, defaultCountry })); }} error={placed.byInput.defaultCountry} />
        <TextInput label={t('settings.suppressions.reason')} description={t('settings.suppressions.reasonHelp')} maxLength={500} value={f.reason} onChange={(e) => { const reason = e.currentTarget.value; setF((s) => ({ ...s, reason })); }} error={placed.byInput.reason} />
      </SimpleGrid>
      <Problem error={placed.other ? add.error : null} />
      <Group><Button type="submit" loading={add.isPending} disabled={!f.identifier.trim()}>{t('settings.suppressions.add')}</Button></Group>
    </Stack>
  );
}

function SuppressionTable({ rows }: { rows: Suppression[] }) {
  const { t } = useI18n();
  // Who added an entry is a user id (or "api"); admins can read the staff list to name them.
  const users = useUsers();
  const who = (createdBy: string | null): string => {
    if (!createdBy) return '—';
    if (createdBy === 'api') return t('settings.suppressions.byApi');
    return users.data?.data.find((u) => u.id === createdBy)?.name ?? '—';
  };
  return (
    <Table striped withTableBorder data-testid="suppressions-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('settings.suppressions.number')}</Table.Th>
          <Table.Th>{t('settings.suppressions.reason')}</Table.Th>
          <Table.Th>{t('settings.suppressions.when')}</Table.Th>
          <Table.Th>{t('settings.suppressions.who')}</Table.Th>
          <Table.Th><VisuallyHidden>{t('settings.suppressions.actions')}</VisuallyHidden></Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((s) => <SuppressionRow key={s.id} row={s} who={who(s.createdBy)} />)}
      </Table.Tbody>
    </Table>
  );
}

function SuppressionRow({ row, who }: { row: Suppression; who: string }) {
  const { t, dateTime } = useI18n();
  const remove = useRemoveSuppression();
  const number = showIdentifier(row.identifier);
  return (
    <Table.Tr data-testid="suppression-row" data-identifier={row.identifier}>
      <Table.Td><Code>{number}</Code></Table.Td>
      <Table.Td>{row.reason ?? ''}</Table.Td>
      <Table.Td><time dateTime={row.createdAt}>{dateTime(row.createdAt)}</time></Table.Td>
      <Table.Td>{who}</Table.Td>
      <Table.Td>
        <Group justify="flex-end">
          <ConfirmButton
            label={t('settings.suppressions.remove')}
            ariaLabel={`${t('settings.suppressions.remove')} ${number}`}
            title={t('settings.suppressions.removeTitle', { number })}
            body={t('settings.suppressions.removeBody')}
            confirmLabel={t('settings.suppressions.remove')}
            pending={remove.isPending}
            error={remove.error}
            onConfirm={(done) => remove.mutate(row.id, { onSuccess: done })}
          />
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
