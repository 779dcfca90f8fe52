import { useEffect, useMemo, useRef, useState } from 'react';
import { ActionIcon, Alert, Autocomplete, Badge, Button, Center, Checkbox, Group, List, Loader, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useNavigate } from '@tanstack/react-router';
import { ApiError } from '../../api/client.ts';
import { useNumbers } from '../../api/numbers.ts';
import { useContactPreview, useSaveTemplate, useTemplate, useTemplateAction, validateTemplate, type EditorProblem, type LibraryTemplate, type ValidateResult } from '../../api/templates.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';
import { HighlightTextarea } from '../../components/HighlightTextarea.tsx';
import { WhatsAppBubble } from '../../components/WhatsAppBubble.tsx';
import { ContactPicker } from './ContactPicker.tsx';
import { BUTTON_TYPES, buildTemplate, CATEGORIES, COMMON_LANGUAGES, emptyState, fillText, HEADER_FORMATS, labelOf, newButton, positionsFor, problemTarget, stateFromTemplate, variableKeys, type ButtonState, type EditorState } from './model.ts';

export function TemplateEditorScreen({ templateId }: { templateId?: string }) {
  const tpl = useTemplate(templateId ?? null);
  if (templateId && tpl.error) return <ErrorMessage error={tpl.error} onRetry={() => void tpl.refetch()} />;
  if (templateId && !tpl.data) {
    return (
      <Center p="xl">
        <Loader />
      </Center>
    );
  }
  return <TemplateEditor key={templateId ?? 'new'} existing={tpl.data ?? null} />;
}

function TemplateEditor({ existing }: { existing: LibraryTemplate | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const numbers = useNumbers();
  const [s, setS] = useState<EditorState>(() => (existing ? stateFromTemplate(existing) : emptyState()));
  const [numberId, setNumberId] = useState<string | null>(null);
  const [result, setResult] = useState<ValidateResult | null>(null);
  const [validateError, setValidateError] = useState<unknown>(null);
  const [serverProblems, setServerProblems] = useState<EditorProblem[] | null>(null);
  const [contactId, setContactId] = useState<string | null>(null);
  const save = useSaveTemplate();
  const action = useTemplateAction();
  const fields = useRef(new Map<string, HTMLTextAreaElement | null>());
  const isDraft = !existing || existing.status === 'DRAFT';
  const built = useMemo(() => buildTemplate(s), [s]);
  const [debounced] = useDebouncedValue(built, 250);
  const phoneNumberId = numberId ?? numbers.data?.data[0]?.id ?? undefined;

  // Validate on every change (debounced, the previous request aborted).
  useEffect(() => {
    const ctrl = new AbortController();
    validateTemplate({ template: debounced.definition, ...(existing ? { templateId: existing.id } : phoneNumberId ? { phoneNumberId } : {}) }, ctrl.signal)
      .then((r) => {
        setResult(r);
        setValidateError(null);
        setServerProblems(null);
      })
      .catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError') setValidateError(err);
      });
    return () => ctrl.abort();
  }, [debounced, existing, phoneNumberId]);

  const problems = serverProblems ?? result?.problems ?? [];
  const sections = debounced.sections;
  const forTarget = (target: string) => problems.filter((p) => problemTarget(p, sections) === target);
  const messages = (target: string, field?: string) => forTarget(target).filter((p) => !field || (p.field ?? 'text').startsWith(field)).map((p) => p.message);
  const set = <K extends keyof EditorState>(k: K, v: EditorState[K]) => setS((old) => ({ ...old, [k]: v }));
  const setButton = (i: number, patch: Partial<ButtonState>) => setS((old) => ({ ...old, buttons: old.buttons.map((b, j) => (j === i ? { ...b, ...patch } : b)) }));
  const setExample = (key: string, v: string) => setS((old) => ({ ...old, examples: { ...old.examples, [key]: v } }));

  const goTo = (p: EditorProblem) => {
    const target = problemTarget(p, sections);
    const el = fields.current.get(`${target}:${p.field ?? 'text'}`) ?? fields.current.get(`${target}:text`);
    if (!el) return;
    el.focus();
    if (typeof p.position === 'number') el.setSelectionRange(p.position, Math.min(el.value.length, p.position + 1));
  };
  const refFor = (key: string) => (el: HTMLTextAreaElement | null) => void fields.current.set(key, el);

  // Contact values (saved templates: the stored mapping resolves them).
  const contactPreview = useContactPreview(existing && contactId ? existing.id : null, contactId);
  const contactValues: Record<string, string | null> = {};
  for (const v of contactPreview.data?.variables ?? []) contactValues[`${v.slot}.${v.key}`] = v.value;
  const preview = result?.preview;
  const shown =
    preview && contactId && contactPreview.data
      ? {
          ...preview,
          header: preview.header?.kind === 'text' ? { kind: 'text', text: fillText(s.headerText, 'header', contactValues, s.examples) } : preview.header,
          body: s.body ? fillText(s.body, 'body', contactValues, s.examples) : preview.body,
        }
      : preview;

  const body = () => ({ ...built.definition, ...(isDraft ? {} : { name: undefined, language: undefined }), ...(phoneNumberId && !existing ? { phoneNumberId } : {}) }) as Parameters<typeof save.mutate>[0]['body'];
  const showRefusal = (err: unknown) => {
    if (err instanceof ApiError && err.details && typeof err.details === 'object' && Array.isArray((err.details as { problems?: unknown }).problems)) {
      setServerProblems((err.details as { problems: EditorProblem[] }).problems);
    }
  };
  const saveDraft = async () => {
    const saved = await save.mutateAsync({ id: existing?.id ?? null, body: body() }).catch((e: unknown) => (showRefusal(e), null));
    if (saved && !existing) void navigate({ to: '/templates/$templateId/edit', params: { templateId: saved.id } });
    return saved;
  };
  const submit = async () => {
    if (!existing) {
      const created = await save.mutateAsync({ id: null, body: { ...body(), submit: true } }).catch((e: unknown) => {
        showRefusal(e);
        const draft = e instanceof ApiError ? (e.details as { draft?: { id: string } } | undefined)?.draft : undefined;
        if (draft) void navigate({ to: '/templates/$templateId/edit', params: { templateId: draft.id } });
        return null;
      });
      if (created) void navigate({ to: '/templates/$templateId', params: { templateId: created.id } });
      return;
    }
    if (existing.status === 'DRAFT') {
      const saved = await saveDraft();
      if (!saved) return;
      const id = saved.id;
      const done = await action.mutateAsync({ id, action: 'submit' }).catch((e: unknown) => (showRefusal(e), null));
      if (done) void navigate({ to: '/templates/$templateId', params: { templateId: id } });
      return;
    }
    // An edit of a submitted template is submitted by the PATCH itself.
    const saved = await saveDraft();
    if (saved) void navigate({ to: '/templates/$templateId', params: { templateId: saved.id } });
  };
  const error = save.error ?? action.error;

  const exampleInputs = (slot: 'header' | 'body', text: string) =>
    variableKeys(text).map((k) => (
      <TextInput
        key={`${slot}.${k}`}
        size="xs"
        label={t('tpl.exampleFor', { variable: `{{${k}}}` })}
        value={s.examples[`${slot}.${k}`] ?? ''}
        onChange={(e) => setExample(`${slot}.${k}`, e.currentTarget.value)}
        required
        data-testid={`example-${slot}-${k}`}
      />
    ));

  return (
    <Stack p="md" gap="sm" data-testid="template-editor">
      <Group justify="space-between">
        <Title order={2}>{existing ? t('tpl.editTitle', { name: existing.name }) : t('tpl.newTitle')}</Title>
        {existing && <Badge variant="light">{labelOf(t, `tpl.status.${existing.status}`, existing.status)}</Badge>}
      </Group>
      {existing?.status && !isDraft && <Alert color="blue">{t('tpl.editSubmittedHint')}</Alert>}
      <div className="tpl-editor-grid" style={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr) 380px', gap: 24, alignItems: 'start' }}>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label={t('tpl.name')} description={t('tpl.nameHelp')} required value={s.name} disabled={!isDraft} onChange={(e) => set('name', e.currentTarget.value)} error={messages('name').join(' · ') || undefined} data-testid="tpl-name" />
            <Autocomplete label={t('tpl.language')} required value={s.language} disabled={!isDraft} data={COMMON_LANGUAGES} onChange={(v) => set('language', v)} error={messages('language').join(' · ') || undefined} />
            <Select
              label={t('tpl.category')}
              required
              value={s.category}
              disabled={!!existing?.status && existing.status === 'APPROVED'}
              data={CATEGORIES.map((c) => ({ value: c, label: t(`tpl.category.${c}`) }))}
              onChange={(v) => v && set('category', v)}
              error={messages('category').join(' · ') || undefined}
              allowDeselect={false}
            />
            {!existing && (numbers.data?.data.length ?? 0) > 1 && (
              <Select label={t('tpl.number')} value={phoneNumberId ?? null} onChange={setNumberId} data={(numbers.data?.data ?? []).map((n) => ({ value: n.id, label: n.displayPhoneNumber }))} allowDeselect={false} />
            )}
          </SimpleGrid>
          <div>
            <Text size="sm" fw={500} id="param-format-label">
              {t('tpl.parameterFormat')}
            </Text>
            <SegmentedControl
              aria-labelledby="param-format-label"
              value={s.parameterFormat}
              onChange={(v) => set('parameterFormat', v as EditorState['parameterFormat'])}
              data={[
                { value: 'positional', label: t('tpl.positional') },
                { value: 'named', label: t('tpl.named') },
              ]}
            />
          </div>

          <Paper withBorder p="sm">
            <Stack gap="xs">
              <Text fw={600}>{t('tpl.header')}</Text>
              <SegmentedControl aria-label={t('tpl.headerFormat')} value={s.headerFormat} onChange={(v) => set('headerFormat', v as EditorState['headerFormat'])} data={HEADER_FORMATS.map((f) => ({ value: f, label: t(`tpl.header.${f}`) }))} />
              {s.headerFormat === 'TEXT' && (
                <>
                  <HighlightTextarea ref={refFor('header:text')} label={t('tpl.headerText')} rows={1} value={s.headerText} onChange={(v) => set('headerText', v)} highlight={positionsFor(problems, sections, 'header', 'text')} errors={messages('header')} testId="tpl-header" />
                  {exampleInputs('header', s.headerText)}
                </>
              )}
              {['IMAGE', 'VIDEO', 'DOCUMENT'].includes(s.headerFormat) && (
                <TextInput label={t('tpl.headerHandle')} description={t('tpl.headerHandleHelp')} value={s.headerHandle} onChange={(e) => set('headerHandle', e.currentTarget.value)} error={messages('header').join(' · ') || undefined} />
              )}
              {s.headerFormat === 'LOCATION' && <Text size="xs" c="dimmed">{t('tpl.locationHelp')}</Text>}
              {s.headerFormat !== 'TEXT' && s.headerFormat !== 'NONE' && messages('header').length > 0 && !['IMAGE', 'VIDEO', 'DOCUMENT'].includes(s.headerFormat) && (
                <Text size="xs" c="red">{messages('header').join(' · ')}</Text>
              )}
            </Stack>
          </Paper>

          <Paper withBorder p="sm">
            <Stack gap="xs">
              <HighlightTextarea
                ref={refFor('body:text')}
                label={t('tpl.body')}
                description={t('tpl.bodyHelp')}
                required={s.category !== 'AUTHENTICATION'}
                rows={5}
                value={s.body}
                onChange={(v) => set('body', v)}
                highlight={positionsFor(problems, sections, 'body', 'text')}
                errors={messages('body')}
                testId="tpl-body"
              />
              <Text size="xs" c="dimmed" aria-live="polite">
                {t('tpl.charCount', { count: i18n.number([...s.body].length), max: 1024 })}
              </Text>
              {s.category === 'AUTHENTICATION' && <Checkbox label={t('tpl.securityRecommendation')} checked={s.securityRecommendation} onChange={(e) => set('securityRecommendation', e.currentTarget.checked)} />}
              {variableKeys(s.body).length > 0 && <Text size="sm" fw={500}>{t('tpl.examples')}</Text>}
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                {exampleInputs('body', s.body)}
              </SimpleGrid>
            </Stack>
          </Paper>

          <Paper withBorder p="sm">
            <HighlightTextarea ref={refFor('footer:text')} label={t('tpl.footer')} description={t('tpl.footerHelp')} rows={1} value={s.footer} onChange={(v) => set('footer', v)} highlight={positionsFor(problems, sections, 'footer', 'text')} errors={messages('footer')} testId="tpl-footer" />
          </Paper>

          <Paper withBorder p="sm">
            <Stack gap="xs">
              <Group justify="space-between">
                <Text fw={600}>{t('tpl.buttons')}</Text>
                <Select
                  size="xs"
                  aria-label={t('tpl.addButton')}
                  placeholder={t('tpl.addButton')}
                  value={null}
                  data={BUTTON_TYPES.map((b) => ({ value: b, label: t(`tpl.button.${b}`) }))}
                  onChange={(v) => v && setS((old) => ({ ...old, buttons: [...old.buttons, newButton(v as ButtonState['type'])] }))}
                  data-testid="tpl-add-button"
                />
              </Group>
              {messages('buttons').map((m) => <Text key={m} size="xs" c="red">{m}</Text>)}
              {s.buttons.map((b, i) => (
                <Paper key={i} withBorder p="xs" bg="gray.0">
                  <Group justify="space-between" mb={4}>
                    <Text size="sm" fw={500}>{t('tpl.buttonN', { n: i + 1, type: t(`tpl.button.${b.type}`) })}</Text>
                    <ActionIcon variant="subtle" color="red" aria-label={t('tpl.removeButton', { n: i + 1 })} onClick={() => setS((old) => ({ ...old, buttons: old.buttons.filter((_, j) => j !== i) }))}>
                      ✕
                    </ActionIcon>
                  </Group>
                  <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                    {b.type !== 'COPY_CODE' && <TextInput size="xs" label={t('tpl.buttonText')} value={b.text} onChange={(e) => setButton(i, { text: e.currentTarget.value })} />}
                    {b.type === 'URL' && (
                      <>
                        <HighlightTextarea ref={refFor(`button.${i}:url`)} label={t('tpl.buttonUrl')} description={t('tpl.buttonUrlHelp')} rows={1} value={b.url} onChange={(v) => setButton(i, { url: v })} highlight={positionsFor(problems, sections, `button.${i}`, 'url')} />
                        {/\{\{[^{}]*\}\}/.test(b.url) && <TextInput size="xs" label={t('tpl.buttonUrlExample')} value={b.urlExample} onChange={(e) => setButton(i, { urlExample: e.currentTarget.value })} required />}
                      </>
                    )}
                    {b.type === 'PHONE_NUMBER' && <TextInput size="xs" label={t('tpl.buttonPhone')} placeholder="+34 600 000 000" value={b.phone} onChange={(e) => setButton(i, { phone: e.currentTarget.value })} />}
                    {b.type === 'COPY_CODE' && <TextInput size="xs" label={t('tpl.buttonCode')} value={b.code} onChange={(e) => setButton(i, { code: e.currentTarget.value })} />}
                    {b.type === 'OTP' && (
                      <Select size="xs" label={t('tpl.otpType')} value={b.otpType} allowDeselect={false} onChange={(v) => v && setButton(i, { otpType: v as ButtonState['otpType'] })} data={['COPY_CODE', 'ONE_TAP', 'ZERO_TAP']} />
                    )}
                  </SimpleGrid>
                  {messages(`button.${i}`).map((m) => <Text key={m} size="xs" c="red" role="alert">{m}</Text>)}
                </Paper>
              ))}
            </Stack>
          </Paper>
        </Stack>

        <Stack gap="sm" style={{ position: 'sticky', top: 8 }}>
          <Text fw={600}>{t('tpl.preview')}</Text>
          {existing && <ContactPicker value={contactId} onChange={setContactId} label={t('tpl.previewAs')} />}
          {!existing && <Text size="xs" c="dimmed">{t('tpl.previewExamples')}</Text>}
          {shown && <WhatsAppBubble preview={shown} />}
          <Paper withBorder p="xs" aria-live="polite" data-testid="tpl-problems">
            {validateError ? (
              <Text size="sm" c="red">{errorText(validateError, t('app.error'))}</Text>
            ) : problems.length === 0 ? (
              <Text size="sm" c="teal.8" data-testid="tpl-valid">{result ? t('tpl.valid') : t('app.loading')}</Text>
            ) : (
              <>
                <Text size="sm" fw={600} c="red.8">{t('tpl.problemsCount', { count: problems.length })}</Text>
                <List size="sm" spacing={4}>
                  {problems.map((p, i) => (
                    <List.Item key={i} data-testid="tpl-problem" data-code={p.code}>
                      <Text size="sm">{p.message}</Text>
                      <Text size="xs" c="dimmed">
                        {t('tpl.rule', { code: p.code, rule: p.rule ?? '' })}
                        {p.metaCode ? ` · Meta ${p.metaCode}` : ''}
                      </Text>
                      {typeof p.position === 'number' && (
                        <Button size="compact-xs" variant="subtle" onClick={() => goTo(p)}>
                          {t('tpl.showInText')}
                        </Button>
                      )}
                    </List.Item>
                  ))}
                </List>
              </>
            )}
          </Paper>
          {error ? <Alert color="red" role="alert" data-testid="tpl-save-error">{errorText(error, t('app.error'))}</Alert> : null}
          <Group>
            <Button variant="default" onClick={() => void saveDraft()} loading={save.isPending} data-testid="tpl-save">
              {isDraft ? t('tpl.saveDraft') : t('app.save')}
            </Button>
            {isDraft && (
              <Button onClick={() => void submit()} loading={save.isPending || action.isPending} data-testid="tpl-submit">
                {t('tpl.submit')}
              </Button>
            )}
            {existing && !isDraft && (
              <Button onClick={() => void submit()} loading={save.isPending} disabled={existing && 'editing' in existing && (existing as { editing?: { canEdit: boolean } }).editing?.canEdit === false}>
                {t('tpl.submitEdit')}
              </Button>
            )}
          </Group>
        </Stack>
      </div>
    </Stack>
  );
}
