import type { TemplateCategory } from './template-model.ts';

/** Pricing facts on status webhooks (spec §5): PMP by default, CBP when configured. Pure. */
export type PricingModel = 'PMP' | 'CBP';

export interface Pricing {
  billable: boolean;
  pricing_model: PricingModel;
  type?: 'regular' | 'free_customer_service' | 'free_entry_point';
  category: string;
}

export interface ConversationInfo {
  id: string;
  expiration_timestamp?: string;
  origin: { type: string };
}

export interface PricingInput {
  model: PricingModel;
  templateCategory: TemplateCategory | undefined;
  windowOpen: boolean;
  fepOpen: boolean;
}

export function pricingFor(input: PricingInput): Pricing {
  const cat = input.templateCategory?.toLowerCase();
  if (input.model === 'CBP') {
    if (input.fepOpen) return { billable: false, pricing_model: 'CBP', category: 'referral_conversion' };
    if (!cat) return { billable: false, pricing_model: 'CBP', category: 'service' };
    return { billable: true, pricing_model: 'CBP', category: cat };
  }
  if (input.fepOpen) {
    return { billable: false, pricing_model: 'PMP', type: 'free_entry_point', category: 'referral_conversion' };
  }
  if (!cat) return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
  if (cat === 'utility' && input.windowOpen) {
    return { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'utility' };
  }
  return { billable: true, pricing_model: 'PMP', type: 'regular', category: cat };
}

/** Major version number of "v23.0". */
export function majorVersion(version: string): number {
  return Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
}

/**
 * Whether a status carries `conversation`: always under CBP; under PMP only before v24 or
 * inside a free-entry-point window (spec §3.5).
 */
export function includesConversation(model: PricingModel, version: string, fepOpen: boolean): boolean {
  return model === 'CBP' || fepOpen || majorVersion(version) < 24;
}
