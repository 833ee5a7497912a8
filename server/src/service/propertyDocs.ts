// How a catalogue property is described to the user: the same words in hover and completion.
import type { PropertySpec } from '../language/catalogue';

const SECTION_TITLES: Record<PropertySpec['section'], string> = {
  job: 'job property (PROPERTIES)',
  kafka: 'Kafka source property (FROM KAFKA)',
  kafkaClient: 'Kafka client property (FROM KAFKA, passed to the consumer)',
};

function formatNumber(n: number, unit?: string): string {
  if (unit === 'bytes' && n >= 1024 * 1024 && n % (1024 * 1024) === 0) {
    const mb = n / (1024 * 1024);
    return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`;
  }
  return String(n);
}

/** "5–60 seconds", "> 0", "≥ 200000 rows", or "" when unbounded. */
export function rangeText(spec: PropertySpec): string {
  const unit = spec.unit && spec.unit !== 'bytes' ? ` ${spec.unit}` : '';
  // Documented bounds StarRocks does not enforce (softMin / softMax) are still the range users were told.
  const lo = spec.min ?? spec.softMin;
  const hi = spec.max ?? spec.softMax;
  if (lo !== undefined && hi !== undefined) return `${formatNumber(lo, spec.unit)}–${formatNumber(hi, spec.unit)}${unit}`;
  if (lo !== undefined) return `≥ ${formatNumber(lo, spec.unit)}${unit}`;
  if (hi !== undefined) return `≤ ${formatNumber(hi, spec.unit)}${unit}`;
  if (spec.greaterThan !== undefined) return `> ${spec.greaterThan}${unit}`;
  if (spec.values?.length) return spec.values.join(' | ');
  return '';
}

/** One line: "default 10 · 5–60 seconds". */
export function summaryLine(spec: PropertySpec): string {
  const parts: string[] = [];
  if (spec.required) parts.push('required');
  if (spec.default !== undefined) parts.push(`default ${spec.unit === 'bytes' ? formatNumber(Number(spec.default), 'bytes') : spec.default}`);
  const range = rangeText(spec);
  if (range) parts.push(range);
  if (spec.deprecated) parts.push('deprecated');
  return parts.join(' · ');
}

export function propertyMarkdown(spec: PropertySpec): string {
  const lines = [`**${spec.name}** — ${SECTION_TITLES[spec.section]}`, '', spec.docs];
  const facts: string[] = [];
  if (spec.required) facts.push('- Required');
  if (spec.default !== undefined) facts.push(`- Default: \`${spec.default}\`${spec.unit === 'bytes' ? ` (${formatNumber(Number(spec.default), 'bytes')})` : ''}`);
  const range = rangeText(spec);
  if (range) facts.push(`- Valid: ${range}`);
  if (!spec.alterable) facts.push('- Cannot be changed by ALTER ROUTINE LOAD');
  if (spec.secret) facts.push('- Secret: shown as `******`');
  if (facts.length) lines.push('', ...facts);
  if (spec.deprecated) lines.push('', `⚠ ${spec.deprecated}`);
  if (spec.note) lines.push('', `_Note:_ ${spec.note}`);
  return lines.join('\n');
}
