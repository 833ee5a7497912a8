// Time zones for the date functions of a load (`timezone` header): wall-clock parts of an instant and back.
// Intl is slow, so the offset of a zone is cached per hour of UTC time.

import { DateParts } from './types';

/** StarRocks' default session time zone. */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

const FIXED = /^([+-])(\d{1,2}):(\d{2})$/;

export interface Zone {
  name: string;
  /** Offset from UTC in minutes at the given instant. */
  offsetMinutes(epochMs: number): number;
}

const zones = new Map<string, Zone>();

/** The zone for a `timezone` value, or undefined when StarRocks would answer `Unknown or incorrect time zone`. */
export function zone(name: string): Zone | undefined {
  const cached = zones.get(name);
  if (cached) return cached;
  let made: Zone | undefined;
  const fixed = FIXED.exec(name.trim());
  if (fixed) {
    const minutes = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
    if (Math.abs(minutes) > 14 * 60) return undefined;
    made = { name, offsetMinutes: () => minutes };
  } else if (/^utc$/i.test(name) || /^gmt$/i.test(name)) {
    made = { name, offsetMinutes: () => 0 };
  } else {
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      return undefined;
    }
    const byHour = new Map<number, number>();
    made = {
      name,
      offsetMinutes(epochMs) {
        const hour = Math.floor(epochMs / 3_600_000);
        let offset = byHour.get(hour);
        if (offset === undefined) {
          const parts: Record<string, number> = {};
          for (const p of format.formatToParts(new Date(hour * 3_600_000))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
          const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
          offset = Math.round((wall - hour * 3_600_000) / 60_000);
          if (byHour.size > 10_000) byHour.clear();
          byHour.set(hour, offset);
        }
        return offset;
      },
    };
  }
  zones.set(name, made);
  return made;
}

/** Wall-clock parts of an instant in a zone. */
export function partsAt(epochMs: number, z: Zone): DateParts {
  const local = new Date(epochMs + z.offsetMinutes(epochMs) * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
    micro: local.getUTCMilliseconds() * 1000,
    hasTime: true,
  };
}

/** The instant (ms) of wall-clock parts in a zone. */
export function instantOf(p: DateParts, z: Zone): number {
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, Math.floor(p.micro / 1000));
  // Two passes settle the offset around daylight-saving changes.
  let guess = wall - z.offsetMinutes(wall) * 60_000;
  guess = wall - z.offsetMinutes(guess) * 60_000;
  return guess;
}
