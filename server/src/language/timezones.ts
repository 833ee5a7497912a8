// Time zones StarRocks accepts: an IANA name (checked through Intl) or a UTC offset.
const ALIASES = new Set(['CST', 'UTC', 'GMT', 'Z']);
const OFFSET = /^[+-](\d{1,2}):(\d{2})$/;
const cache = new Map<string, boolean>();

export function isValidTimezone(value: string): boolean {
  const v = value.trim();
  if (ALIASES.has(v.toUpperCase())) return true;
  const m = OFFSET.exec(v);
  if (m) return Number(m[1]) <= 14 && Number(m[2]) < 60;
  const known = cache.get(v);
  if (known !== undefined) return known;
  let ok = false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: v });
    ok = /[A-Za-z]/.test(v);
  } catch {
    ok = false;
  }
  cache.set(v, ok);
  return ok;
}

/** IANA names for completion and did-you-mean. */
export function timezoneNames(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : ['UTC', 'Asia/Shanghai'];
}
