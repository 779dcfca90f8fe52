// Pricing market of a recipient (spec §5.2): Meta prices by the recipient's calling code, and by area code
// inside +1. Names match Meta's rate-card rows (see shared/ratecards/example-usd.csv).
import { getCountryCallingCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { parseBsuid } from './phone.ts';

export const NAMED_MARKETS = [
  'Argentina', 'Brazil', 'Chile', 'Colombia', 'Egypt', 'France', 'Germany', 'India', 'Indonesia', 'Israel',
  'Italy', 'Malaysia', 'Mexico', 'Netherlands', 'Nigeria', 'Pakistan', 'Peru', 'Russia', 'Saudi Arabia',
  'South Africa', 'Spain', 'Turkey', 'UAE', 'UK',
] as const;
export const REGION_MARKETS = [
  'North America', 'Rest of Africa', 'Rest of Asia Pacific', 'Rest of Central & Eastern Europe',
  'Rest of Western Europe', 'Rest of Latin America', 'Rest of Middle East', 'Other',
] as const;
export type Market = (typeof NAMED_MARKETS)[number] | (typeof REGION_MARKETS)[number];
export const MARKETS: readonly Market[] = [...NAMED_MARKETS, ...REGION_MARKETS];

export function isMarket(name: string): name is Market {
  return (MARKETS as readonly string[]).includes(name);
}

// Named markets by calling code: the whole calling code belongs to the market (e.g. +7 Kazakhstan is priced
// as Russia, +44 Jersey as UK), because Meta prices by calling code, not by country.
const NAMED_BY_CALLING_CODE: Readonly<Record<string, Market>> = {
  '54': 'Argentina', '55': 'Brazil', '56': 'Chile', '57': 'Colombia', '20': 'Egypt', '33': 'France',
  '49': 'Germany', '91': 'India', '62': 'Indonesia', '972': 'Israel', '39': 'Italy', '60': 'Malaysia',
  '52': 'Mexico', '31': 'Netherlands', '234': 'Nigeria', '92': 'Pakistan', '51': 'Peru', '7': 'Russia',
  '966': 'Saudi Arabia', '27': 'South Africa', '34': 'Spain', '90': 'Turkey', '971': 'UAE', '44': 'UK',
};

// +1 area codes Meta moves out of North America into Rest of Latin America (spec §5.2):
// Dominican Republic 809/829/849, Jamaica 658/876, Puerto Rico 787/939.
const NANP_LATAM_AREA_CODES: ReadonlySet<string> = new Set(['809', '829', '849', '658', '876', '787', '939']);
const NANP_LATAM_COUNTRIES: ReadonlySet<string> = new Set(['DO', 'JM', 'PR']);

// Regions by ISO country. The core of each list is Meta's published market membership; countries Meta does not
// list are placed by geography (our choice), so that a country is "Other" only when it fits no region.
const REGION_MEMBERS: Readonly<Record<Exclude<(typeof REGION_MARKETS)[number], 'North America' | 'Other'>, string>> = {
  'Rest of Africa':
    'DZ AO BJ BW BF BI CM CV CF TD KM CG CD CI DJ GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU YT MA MZ NA ' +
    'NE RE RW SH ST SN SC SL SO SS SD TZ TG TN UG EH ZM ZW',
  'Rest of Asia Pacific':
    'AF AU BD BT BN KH CN FJ HK JP KI KR LA MO MV MH FM MN MM NR NP NZ PW PG PH WS SG SB LK TW TJ TH TL TO TM TV UZ ' +
    'VU VN KG KP CK NU NF NC PF WF TK AS GU MP CX CC IO',
  'Rest of Central & Eastern Europe':
    'AL AM AZ BY BA BG HR CY CZ EE GE GR HU XK LV LT MK MD ME PL RO RS SK SI UA',
  'Rest of Western Europe':
    'AD AT BE DK FO FI GI GL IS IE LI LU MT MC NO PT SM SE CH VA AX SJ',
  'Rest of Latin America':
    'BZ BO CR CU DO EC SV GF GP GT GY HT HN JM MQ NI PA PY PR SR UY VE BL MF PM AW BQ CW SX FK',
  'Rest of Middle East': 'BH IQ IR JO KW LB OM PS QA SY YE',
};
const REGION_BY_COUNTRY: ReadonlyMap<string, Market> = new Map(
  Object.entries(REGION_MEMBERS).flatMap(([market, list]) =>
    list.split(' ').map((cc) => [cc, market as Market] as const),
  ),
);

/** Market of a country (ISO alpha-2), e.g. from a BSUID. Consistent with marketOfPhone for that country's numbers. */
export function marketOfCountry(country: string): Market {
  const cc = country.toUpperCase();
  if (cc === 'US' || cc === 'CA') return 'North America';
  if (NANP_LATAM_COUNTRIES.has(cc)) return 'Rest of Latin America';
  if (isSupportedCountry(cc)) {
    const callingCode = getCountryCallingCode(cc);
    // Other +1 countries (Bahamas, Barbados, Trinidad…) share calling code 1 and Meta names only the area codes
    // above as exceptions, so they stay in North America.
    if (callingCode === '1') return 'North America';
    const named = NAMED_BY_CALLING_CODE[callingCode];
    if (named) return named;
  }
  return REGION_BY_COUNTRY.get(cc) ?? 'Other';
}

/** Market of a phone (E.164 or wa_id). Unknown calling codes are "Other". */
export function marketOfPhone(e164OrWaId: string): Market {
  const digits = e164OrWaId.replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return 'Other';
  if (digits.startsWith('1')) {
    return NANP_LATAM_AREA_CODES.has(digits.slice(1, 4)) ? 'Rest of Latin America' : 'North America';
  }
  const p = parsePhoneNumberFromString(`+${digits}`);
  if (!p) return 'Other';
  const named = NAMED_BY_CALLING_CODE[p.countryCallingCode];
  if (named) return named;
  // Shared non-+1 codes (e.g. +262 Réunion/Mayotte, +590) resolve to a country by range, or not at all.
  const country = p.country ?? p.getPossibleCountries()[0];
  return country ? marketOfCountry(country) : 'Other';
}

/** Market of a BSUID from its country code; "Other" when it carries none (the "user.…" form). */
export function marketOfBsuid(bsuid: string): Market {
  const r = parseBsuid(bsuid);
  if (!r.ok || r.value.country === undefined) return 'Other';
  return marketOfCountry(r.value.country);
}

/** Market of a recipient: by phone when known (the more precise), else by the BSUID's country. */
export function marketOfRecipient(recipient: { phone?: string | null; bsuid?: string | null }): Market {
  if (recipient.phone) return marketOfPhone(recipient.phone);
  if (recipient.bsuid) return marketOfBsuid(recipient.bsuid);
  return 'Other';
}
