// AUTHENTICATION rules (whatsapp-cloud-api.md §4.3: "AUTHENTICATION requires an OTP button
// (copy-code / one-tap / zero-tap) and no URLs, media or emoji; auth parameters ≤ 15 chars").

import type { LocatedComponents } from './components.ts';
import { findEmoji, findUrl } from './content-scan.ts';
import type { ValidationContext } from './context.ts';
import { charLength, LIMITS } from './limits.ts';
import { problem } from './problems.ts';

const MEDIA = new Set(['IMAGE', 'VIDEO', 'DOCUMENT', 'GIF']);

export function checkAuthentication(ctx: ValidationContext, located: LocatedComponents): void {
  if (!ctx.hasOtpButton) {
    const at = located.BUTTONS ? { path: located.BUTTONS.path, field: 'buttons', component: 'BUTTONS' as const } : { path: 'components' };
    ctx.problems.push(problem('auth.otp_button_missing', at, 'Buttons: authentication templates need a one-time-password button. Add a button of type OTP with otp_type COPY_CODE, ONE_TAP or ZERO_TAP.'));
  }
  for (const { at, label } of ctx.urlButtons) {
    ctx.problems.push(problem('auth.url_button', at, `${label}: authentication templates cannot have URL buttons. Remove this button or change the category.`));
  }
  if (located.HEADER && ctx.headerFormat !== undefined && MEDIA.has(ctx.headerFormat)) {
    ctx.problems.push(problem('auth.media_header', { path: located.HEADER.path, field: 'format', component: 'HEADER' }, `Header: authentication templates cannot have a media header (${ctx.headerFormat}). Remove the header or use a TEXT one.`));
  }
  for (const t of ctx.texts) {
    const url = findUrl(t.text);
    if (url !== undefined) {
      ctx.problems.push(problem('auth.url_in_text', t.at, `${t.label}: authentication templates cannot contain web addresses (position ${url}). Remove the link.`, url));
    }
    const emoji = findEmoji(t.text);
    if (emoji !== undefined) {
      ctx.problems.push(problem('auth.emoji', t.at, `${t.label}: authentication templates cannot contain emoji (position ${emoji}). Remove it.`, emoji));
    }
  }
  for (const e of ctx.exampleValues) {
    const len = charLength(e.value);
    if (len > LIMITS.authParameterMaxLength) {
      ctx.problems.push(problem('auth.parameter_too_long', e.at, `${e.label}: the example for ${e.raw} (position ${e.position}) is ${len} characters; authentication parameters are at most ${LIMITS.authParameterMaxLength}. Use a shorter sample.`, e.position));
    }
  }
}
