// Value checks driven by the property catalogue: each PropertyType has one checker, and the
// spec's bounds (min, max, greaterThan, softMin, softMax) and values decide the verdict.
import type { Property } from '../ast';
import type { PropertySpec, PropertyType } from '../catalogue';
import { didYouMean } from '../text';
import { isValidTimezone } from '../timezones';
import { hasPlaceholder, type RuleContext } from './context';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

type Checker = (spec: PropertySpec, property: Property, value: string, ctx: RuleContext) => void;

function rangeText(spec: PropertySpec): string {
  if (spec.greaterThan !== undefined) return `> ${spec.greaterThan}`;
  if (spec.min !== undefined && spec.max !== undefined) return `between ${spec.min} and ${spec.max}`;
  if (spec.min !== undefined) return `>= ${spec.min}`;
  if (spec.max !== undefined) return `<= ${spec.max}`;
  return 'be a number';
}

function human(spec: PropertySpec, n: number): string {
  if (spec.type === 'bytes' && n % (1024 * 1024) === 0) return `${n} (${n / (1024 * 1024)} MB)`;
  return String(n);
}

function checkRange(spec: PropertySpec, property: Property, n: number, ctx: RuleContext): void {
  const span = property.value.span;
  const name = spec.name;
  if (spec.greaterThan !== undefined && !(n > spec.greaterThan)) {
    ctx.report('RL104', span, `${name} should > ${spec.greaterThan}`, { fix: 'clamp', value: String(spec.type === 'number' ? spec.greaterThan : spec.greaterThan + 1) });
  } else if (spec.min !== undefined && n < spec.min) {
    const message = spec.max !== undefined && spec.type === 'number' ? `${name} must between ${spec.min.toFixed(1)} and ${spec.max.toFixed(1)}.` : `${name} should >= ${spec.min}`;
    ctx.report('RL104', span, unitHint(spec, message), { fix: 'clamp', value: String(spec.min) });
  } else if (spec.max !== undefined && n > spec.max) {
    const message = spec.min !== undefined && spec.type === 'number' ? `${name} must between ${spec.min.toFixed(1)} and ${spec.max.toFixed(1)}.` : `${name} should <= ${spec.max}`;
    ctx.report('RL105', span, unitHint(spec, message), { fix: 'clamp', value: String(spec.max) });
  } else if (spec.softMin !== undefined && n < spec.softMin) {
    ctx.report('RL106', span, `${name} below ${human(spec, spec.softMin)} is outside the documented range; StarRocks accepts it but the documented minimum is ${human(spec, spec.softMin)}`, { fix: 'clamp', value: String(spec.softMin) });
  } else if (spec.softMax !== undefined && n > spec.softMax) {
    const low = spec.min ?? spec.softMin;
    const range = low !== undefined ? `${human(spec, low)}–${human(spec, spec.softMax)}` : `up to ${human(spec, spec.softMax)}`;
    ctx.report('RL106', span, `${name} = ${n} is outside the documented range ${range}${spec.unit ? ' ' + spec.unit : ''}; StarRocks accepts it, but a long interval delays loading`, { fix: 'clamp', value: String(spec.softMax) });
  }
}

function unitHint(spec: PropertySpec, message: string): string {
  return spec.unit && spec.type !== 'bytes' ? `${message} (${spec.unit})` : message;
}

const integer: Checker = (spec, property, value, ctx) => {
  const v = value.trim();
  if (!INTEGER.test(v)) {
    ctx.report('RL103', property.value.span, `'${value}' is not a whole number: ${spec.name} should ${rangeText(spec).replace('be a number', 'be a whole number')}`);
    return;
  }
  checkRange(spec, property, Number(v), ctx);
};

const number: Checker = (spec, property, value, ctx) => {
  const v = value.trim();
  if (!DECIMAL.test(v)) {
    ctx.report('RL103', property.value.span, `Incorrect format of ${spec.name}: '${value}' is not a number`);
    return;
  }
  checkRange(spec, property, Number(v), ctx);
};

const boolean: Checker = (spec, property, value, ctx) => {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'false') return;
  const note = spec.name === 'strict_mode' || spec.name === 'partial_update' ? ' (StarRocks reads anything but "true" as false)' : '';
  const to = ['1', 'yes', 'on', 'enabled', 'enable'].includes(v) ? 'true' : ['0', 'no', 'off', 'disabled', 'disable'].includes(v) ? 'false' : undefined;
  ctx.report('RL108', property.value.span, `${spec.name} should be true or false${note}`, to ? { fix: 'replaceValue', value: to } : undefined);
};

const enumeration: Checker = (spec, property, value, ctx) => {
  const values = spec.values ?? [];
  const v = value.trim();
  if (values.some((x) => x.toLowerCase() === v.toLowerCase())) return;
  const suggestion = didYouMean(v, values);
  const data = suggestion ? { fix: 'replaceValue', value: suggestion } : undefined;
  if (spec.name === 'format') {
    ctx.report('RL108', property.value.span, `Format type is invalid. format=\`${value}\`: use csv or json`, data);
  } else {
    ctx.report(spec.section === 'kafkaClient' ? 'RL210' : 'RL108', property.value.span, `${spec.name} must be one of ${values.join(', ')}${suggestion ? `: did you mean ${suggestion}?` : ''}`, data);
  }
};

const timezone: Checker = (_spec, property, value, ctx) => {
  if (!isValidTimezone(value)) {
    ctx.report('RL109', property.value.span, `Unknown or incorrect time zone: '${value}': use an IANA name such as Asia/Shanghai or an offset such as +08:00`);
  }
};

const jsonpaths: Checker = (_spec, property, value, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.report('RL110', property.value.span, 'jsonpaths is not valid JSON: write a JSON array of JSONPath strings, e.g. ["$.id","$.name"] (inside a double-quoted value escape the quotes as \\")');
    return;
  }
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string')) {
    ctx.report('RL110', property.value.span, 'jsonpaths must be a JSON array of strings, e.g. ["$.id","$.name"]');
    return;
  }
  const bad = parsed.find((p: string) => !p.trim().startsWith('$'));
  if (bad !== undefined) ctx.report('RL110', property.value.span, `jsonpaths entry "${bad}" is not a JSONPath: it starts with $, e.g. "$.${bad.replace(/^\.?/, '')}"`);
};

const jsonpath: Checker = (spec, property, value, ctx) => {
  if (value.trim() !== '' && !value.trim().startsWith('$')) {
    ctx.report('RL111', property.value.span, `${spec.name} must be a JSONPath starting with $, e.g. "$.${value.trim()}"`, { fix: 'replaceValue', value: `$.${value.trim()}` });
  }
};

const brokerList: Checker = (_spec, property, value, ctx) => {
  const entries = value.replace(/\s+/g, '').split(',');
  for (const entry of entries) {
    if (hasPlaceholder(entry)) continue;
    if (!/^\[?[0-9a-zA-Z\-%._:*]*\]?:\d+$/.test(entry) || entry.startsWith(':')) {
      ctx.report('RL202', property.value.span, `kafka_broker_list: '${entry}' does not match host:port (e.g. kafka-1:9092); separate brokers with commas`);
      return;
    }
  }
};

const partitionList: Checker = (_spec, property, value, ctx) => {
  if (value.trim() === '') {
    ctx.report('RL204', property.value.span, 'kafka_partitions could not be a empty string: list partition ids such as "0,1,2", or leave the property out to consume all');
    return;
  }
  for (const p of value.split(',')) {
    if (!/^\d+$/.test(p.trim())) {
      ctx.report('RL204', property.value.span, `Invalid kafka partition: '${p.trim()}'. Expected values should be an integer`);
      return;
    }
  }
};

function offsetProblem(o: string): string | undefined {
  const v = o.trim();
  if (/^(OFFSET_BEGINNING|OFFSET_END)$/i.test(v)) return undefined;
  if (/^-\d+$/.test(v)) return 'Can not specify offset smaller than 0';
  if (/^\d+$/.test(v)) return undefined;
  return `Invalid kafka offset: '${v}'. Expected values should be an integer, OFFSET_BEGINNING, or OFFSET_END`;
}

const offsetList: Checker = (_spec, property, value, ctx) => {
  if (value.trim() === '') {
    ctx.report('RL205', property.value.span, 'kafka_offsets could not be a empty string');
    return;
  }
  for (const o of value.split(',')) {
    const problem = offsetProblem(o);
    if (problem) {
      ctx.report('RL205', property.value.span, problem);
      return;
    }
  }
};

const defaultOffset: Checker = (_spec, property, value, ctx) => {
  const v = value.trim();
  if (/^(OFFSET_BEGINNING|OFFSET_END)$/i.test(v) || /^\d+$/.test(v)) return;
  if (DATETIME.test(v) && !Number.isNaN(Date.parse(v.replace(' ', 'T')))) return;
  const suggestion = didYouMean(v, ['OFFSET_BEGINNING', 'OFFSET_END']);
  ctx.report(
    'RL207',
    property.value.span,
    `property.kafka_default_offsets must be OFFSET_BEGINNING, OFFSET_END, a Unix timestamp or a 'yyyy-MM-dd HH:mm:ss' time, not '${value}'`,
    suggestion ? { fix: 'replaceValue', value: suggestion } : undefined,
  );
};

const string: Checker = (spec, property, value, ctx) => {
  if (spec.name === 'kafka_topic' && value.includes(',')) {
    ctx.report('RL203', property.value.span, 'kafka_topic names one topic: a job consumes exactly one topic; create one job per topic');
  }
};

const CHECKERS: Record<PropertyType, Checker> = {
  integer,
  bytes: integer,
  number,
  boolean,
  enum: enumeration,
  string,
  timezone,
  jsonpaths,
  jsonpath,
  brokerList,
  partitionList,
  offsetList,
  defaultOffset,
};

/** Check one property's value against its catalogue entry. */
export function checkValue(spec: PropertySpec, property: Property, ctx: RuleContext): void {
  const value = property.value.value;
  if (hasPlaceholder(value)) return;
  // An empty string means "use the default" to StarRocks for job properties.
  if (value.trim() === '' && spec.section === 'job') return;
  CHECKERS[spec.type](spec, property, value, ctx);
}

export { offsetProblem };
