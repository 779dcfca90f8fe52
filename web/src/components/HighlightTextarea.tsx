import { forwardRef, useId, useRef, type ReactNode } from 'react';
import { Input } from '@mantine/core';

/** Text split so the characters at `positions` (UTF-16 offsets) are wrapped in <mark>; past the end marks a space. */
function marked(text: string, positions: number[]): ReactNode[] {
  const at = [...new Set(positions.filter((p) => p >= 0 && p <= text.length))].sort((a, b) => a - b);
  const out: ReactNode[] = [];
  let last = 0;
  for (const p of at) {
    if (p > last) out.push(text.slice(last, p));
    out.push(<mark key={p}>{p < text.length ? text[p] : ' '}</mark>);
    last = Math.min(text.length, p + 1);
  }
  out.push(text.slice(last) + '\n');
  return out;
}

interface Props {
  label: string;
  description?: string;
  value: string;
  onChange: (value: string) => void;
  /** Character offsets a validation problem points at. */
  highlight?: number[];
  /** Problem messages for this field (shown under it and announced). */
  errors?: string[];
  rows?: number;
  required?: boolean;
  testId?: string;
  placeholder?: string;
}

/**
 * A textarea with a backdrop that marks the characters validation problems point at, so the
 * problem is visible where it is. The backdrop mirrors the text (as React text) behind a
 * transparent textarea and follows its scroll.
 */
export const HighlightTextarea = forwardRef<HTMLTextAreaElement, Props>(function HighlightTextarea(
  { label, description, value, onChange, highlight = [], errors = [], rows = 4, required, testId, placeholder },
  ref,
) {
  const id = useId();
  const backdrop = useRef<HTMLDivElement>(null);
  const errorId = `${id}-error`;
  const descId = `${id}-desc`;
  return (
    <Input.Wrapper label={label} description={description} required={required} id={id} error={errors.length ? errors.join(' · ') : undefined} errorProps={{ id: errorId, role: 'alert' }} descriptionProps={{ id: descId }}>
      <div className="hl-wrap">
        <div className="hl-backdrop" ref={backdrop} aria-hidden="true" style={{ minHeight: rows === 1 ? 38 : undefined }}>
          {marked(value, highlight)}
        </div>
        <textarea
          ref={ref}
          id={id}
          className="hl-input"
          style={{ minHeight: rows === 1 ? 38 : undefined }}
          rows={rows}
          value={value}
          placeholder={placeholder}
          aria-invalid={errors.length > 0}
          aria-describedby={[description ? descId : '', errors.length ? errorId : ''].filter(Boolean).join(' ') || undefined}
          data-testid={testId}
          onChange={(e) => onChange(e.currentTarget.value)}
          onScroll={(e) => {
            if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
    </Input.Wrapper>
  );
});
