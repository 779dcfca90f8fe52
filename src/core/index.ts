// Public surface of the pure core rules (message core). Pricing and template authoring live in their own folders.
export * from './phone.ts';
export * from './market.ts';
export * from './window.ts';
export * from './status.ts';
export * from './message-types.ts';
export * from './outbound.ts';
export * from './template-params.ts';
export * from './preflight.ts';
export * from './errors.ts';
export * from './limits/token-bucket.ts';
export * from './limits/pair-rate.ts';
