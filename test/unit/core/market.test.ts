import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MARKETS, marketOfBsuid, marketOfCountry, marketOfPhone, marketOfRecipient } from '../../../src/core/market.ts';

describe('marketOfPhone (spec §5.2)', () => {
  it.each([
    ['+16505551234', 'North America'],
    ['+14165551234', 'North America'], // Canada
    ['+18095551234', 'Rest of Latin America'], // Dominican Republic 809
    ['+18295551234', 'Rest of Latin America'],
    ['+18495551234', 'Rest of Latin America'],
    ['+16585551234', 'Rest of Latin America'], // Jamaica 658
    ['+18765551234', 'Rest of Latin America'], // Jamaica 876
    ['+17875551234', 'Rest of Latin America'], // Puerto Rico 787
    ['+19395551234', 'Rest of Latin America'], // Puerto Rico 939
    ['+15550783881', 'North America'], // +1 test number that resolves to no country
    ['+525512345678', 'Mexico'],
    ['5215512345678', 'Mexico'], // wa_id with legacy prefix
    ['+34612345678', 'Spain'],
    ['+447911123456', 'UK'], // Guernsey range of +44 is still the UK market
    ['+971501234567', 'UAE'],
    ['+966501234567', 'Saudi Arabia'],
    ['+77011234567', 'Russia'], // Kazakhstan shares +7
    ['+5511987654321', 'Brazil'],
    ['+573001234567', 'Colombia'],
    ['+51912345678', 'Peru'],
    ['+56912345678', 'Chile'],
    ['+5491123456789', 'Argentina'],
    ['+351912345678', 'Rest of Western Europe'], // Portugal
    ['+48512345678', 'Rest of Central & Eastern Europe'], // Poland
    ['+254712345678', 'Rest of Africa'], // Kenya
    ['+6591234567', 'Rest of Asia Pacific'], // Singapore
    ['+96550012345', 'Rest of Middle East'], // Kuwait
    ['+59312345678', 'Rest of Latin America'], // Ecuador
    ['+5930987654321', 'Rest of Latin America'], // invalid but +593 is Ecuador
    ['+999123', 'Other'],
    ['garbage', 'Other'],
  ])('%s → %s', (phone, market) => {
    expect(marketOfPhone(phone)).toBe(market);
  });
});

describe('marketOfCountry / marketOfBsuid', () => {
  it.each([
    ['US', 'North America'],
    ['CA', 'North America'],
    ['DO', 'Rest of Latin America'],
    ['JM', 'Rest of Latin America'],
    ['PR', 'Rest of Latin America'],
    ['BS', 'North America'], // other +1 countries follow calling code 1
    ['MX', 'Mexico'],
    ['GB', 'UK'],
    ['JE', 'UK'],
    ['AE', 'UAE'],
    ['KZ', 'Russia'],
    ['VA', 'Italy'],
    ['AT', 'Rest of Western Europe'],
    ['GR', 'Rest of Central & Eastern Europe'],
    ['NG', 'Nigeria'],
    ['GH', 'Rest of Africa'],
    ['JP', 'Rest of Asia Pacific'],
    ['QA', 'Rest of Middle East'],
    ['UY', 'Rest of Latin America'],
    ['AQ', 'Other'],
    ['ZZ', 'Other'],
  ])('%s → %s', (country, market) => {
    expect(marketOfCountry(country)).toBe(market);
  });

  it.each([
    ['US.13491208655302741918', 'North America'],
    ['MX.ABC123', 'Mexico'],
    ['ES.ENT.999', 'Spain'],
    ['DO.1', 'Rest of Latin America'],
    ['user.ABC', 'Other'],
    ['not-a-bsuid', 'Other'],
  ])('BSUID %s → %s', (bsuid, market) => {
    expect(marketOfBsuid(bsuid)).toBe(market);
  });

  it('a recipient is priced by phone when known, else by BSUID country', () => {
    expect(marketOfRecipient({ phone: '+34612345678', bsuid: 'MX.1' })).toBe('Spain');
    expect(marketOfRecipient({ phone: null, bsuid: 'MX.1' })).toBe('Mexico');
    expect(marketOfRecipient({})).toBe('Other');
  });
});

const RATE_CARD = '/work/shared/ratecards/example-usd.csv';

describe('market names match the rate card', () => {
  it('the example card\'s rows are all markets', () => {
    for (const r of ['Argentina', 'Brazil', 'Chile', 'Colombia', 'Mexico', 'Peru', 'Spain', 'North America', 'Rest of Latin America']) {
      expect(MARKETS).toContain(r);
    }
  });

  it.skipIf(!existsSync(RATE_CARD))('every row of shared/ratecards/example-usd.csv is a market we produce', () => {
    const csv = readFileSync(RATE_CARD, 'utf8');
    const rows = csv
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#') && !l.startsWith('market,'))
      .map((l) => l.split(',')[0]);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(MARKETS).toContain(r);
  });
});
