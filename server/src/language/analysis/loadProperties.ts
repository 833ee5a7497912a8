// Load properties (COLUMNS TERMINATED BY, ROWS TERMINATED BY, COLUMNS, WHERE, PARTITION):
// each at most once, partition lists, delimiters. Messages are StarRocks' own.
import type { LoadProperty } from '../ast';
import type { RuleContext } from './context';

const REPEAT_MESSAGES: Record<LoadProperty['kind'], string> = {
  columnSeparator: 'repeat setting of column separator',
  rowDelimiter: 'repeat setting of row delimiter',
  columns: 'repeat setting of columns info',
  where: 'repeat setting of where predicate',
  partitions: 'repeat setting of partition names',
};

export function checkLoadProperties(loadProperties: LoadProperty[], ctx: RuleContext): void {
  const seen = new Map<LoadProperty['kind'], LoadProperty>();
  for (const lp of loadProperties) {
    const earlier = seen.get(lp.kind);
    if (earlier) {
      if (lp.kind === 'partitions' && earlier.kind === 'partitions' && earlier.temporary !== lp.temporary) {
        ctx.report('RL302', lp.span, 'repeat setting of partition names: PARTITION and TEMPORARY PARTITION cannot both be given; a job loads either into partitions or into temporary partitions');
      } else {
        ctx.report('RL301', lp.span, `${REPEAT_MESSAGES[lp.kind]}: merge the two clauses into one`);
      }
    } else {
      seen.set(lp.kind, lp);
    }
    if (lp.kind === 'partitions') {
      if (lp.names.length === 0) ctx.report('RL303', lp.span, 'No partition specifed in partition lists: name at least one partition, or leave PARTITION out');
      for (const n of lp.names) if (n.name.trim() === '') ctx.report('RL303', n.span, 'there are empty partition name');
    }
    if (lp.kind === 'columnSeparator' || lp.kind === 'rowDelimiter') checkDelimiter(lp.value.value, lp.value.span, ctx);
  }
}

function checkDelimiter(value: string, span: { start: number; end: number }, ctx: RuleContext): void {
  if (value === '') {
    ctx.report('RL304', span, 'Delimiter cannot be empty or null');
    return;
  }
  const hex = /^(?:\\x|0x)([0-9a-fA-F]*)$/i.exec(value);
  if (hex && hex[1].length % 2 !== 0) {
    ctx.report('RL304', span, `Invalid delimiter '${value}': hex length must be a even number`);
    return;
  }
  if (Buffer.byteLength(value, 'utf8') > 50) ctx.report('RL304', span, 'a delimiter is at most 50 bytes', undefined, 'warning');
}

/** StarRocks' COMMON_NAME_REGEX and its label rule (FeNameFormat). */
export function checkJobName(name: string, span: { start: number; end: number }, ctx: RuleContext): void {
  if (name === '' || /^<.*>$/.test(name)) return;
  const common = /^[a-zA-Z]\w{0,63}$|^_[a-zA-Z0-9]\w{0,62}$/.test(name);
  if (!common) {
    const why = name.length > 64 ? 'at most 64 characters' : /^\d/.test(name) ? 'it starts with a letter or _' : 'letters, digits and _ only, starting with a letter';
    ctx.report('RL305', span, `Incorrect ROUTINE LOAD NAME name '${name}': ${why}`, { fix: 'rename', to: name.replace(/[^\w]/g, '_').replace(/^(\d)/, '_$1').slice(0, 64) });
  }
}
