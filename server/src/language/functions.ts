// StarRocks scalar functions that COLUMNS and WHERE expressions use, for argument checks,
// completion, hover and signature help. Not exhaustive: an unknown name is only a warning.

export interface FunctionSpec {
  name: string;
  /** Shown signatures, e.g. "from_unixtime(unix_timestamp[, format])". */
  signatures: string[];
  minArgs: number;
  /** Infinity for variadic functions. */
  maxArgs: number;
  returns: string;
  docs: string;
}

const V = Infinity;

function f(name: string, minArgs: number, maxArgs: number, returns: string, signature: string, docs: string): FunctionSpec {
  return { name, minArgs, maxArgs, returns, signatures: [signature], docs };
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  // date and time
  f('from_unixtime', 1, 2, 'varchar', 'from_unixtime(unix_timestamp[, format])', 'Formats a Unix timestamp (seconds) as text, by default \'%Y-%m-%d %H:%i:%s\', in the job\'s time zone.'),
  f('unix_timestamp', 0, 2, 'bigint', 'unix_timestamp([datetime[, format]])', 'Seconds since 1970-01-01 00:00:00 UTC of a date/time (or of now).'),
  f('str_to_date', 2, 2, 'datetime', 'str_to_date(str, format)', 'Parses text with a MySQL-style format such as \'%Y-%m-%d %H:%i:%s\'.'),
  f('date_format', 2, 2, 'varchar', 'date_format(datetime, format)', 'Formats a date/time with a MySQL-style format.'),
  f('now', 0, 1, 'datetime', 'now([precision])', 'Current date and time.'),
  f('current_timestamp', 0, 1, 'datetime', 'current_timestamp([precision])', 'Current date and time.'),
  f('curdate', 0, 0, 'date', 'curdate()', 'Current date.'),
  f('current_date', 0, 0, 'date', 'current_date()', 'Current date.'),
  f('to_date', 1, 1, 'date', 'to_date(datetime)', 'Date part of a date/time.'),
  f('date', 1, 1, 'date', 'date(datetime)', 'Date part of a date/time.'),
  f('year', 1, 1, 'int', 'year(date)', 'Year of a date.'),
  f('month', 1, 1, 'int', 'month(date)', 'Month of a date.'),
  f('day', 1, 1, 'int', 'day(date)', 'Day of the month.'),
  f('hour', 1, 1, 'int', 'hour(datetime)', 'Hour of a date/time.'),
  f('minute', 1, 1, 'int', 'minute(datetime)', 'Minute of a date/time.'),
  f('second', 1, 1, 'int', 'second(datetime)', 'Second of a date/time.'),
  f('date_add', 2, 2, 'datetime', 'date_add(datetime, INTERVAL n unit)', 'Adds an interval to a date/time.'),
  f('date_sub', 2, 2, 'datetime', 'date_sub(datetime, INTERVAL n unit)', 'Subtracts an interval from a date/time.'),
  f('datediff', 2, 2, 'int', 'datediff(date1, date2)', 'Days from date2 to date1.'),
  f('date_trunc', 2, 2, 'datetime', 'date_trunc(unit, datetime)', 'Truncates a date/time to a unit such as \'day\'.'),
  f('convert_tz', 3, 3, 'datetime', 'convert_tz(datetime, from_tz, to_tz)', 'Converts a date/time between time zones.'),
  f('timestamp', 1, 1, 'datetime', 'timestamp(expr)', 'Converts to a date/time.'),
  f('from_unixtime_ms', 1, 1, 'datetime', 'from_unixtime_ms(ms)', 'Date/time of a Unix timestamp in milliseconds.'),
  // conditionals
  f('if', 3, 3, 'any', 'if(condition, then, else)', 'then when condition is true, otherwise else.'),
  f('ifnull', 2, 2, 'any', 'ifnull(expr, default)', 'expr, or default when expr is NULL.'),
  f('nvl', 2, 2, 'any', 'nvl(expr, default)', 'expr, or default when expr is NULL.'),
  f('coalesce', 1, V, 'any', 'coalesce(expr, …)', 'The first argument that is not NULL.'),
  f('nullif', 2, 2, 'any', 'nullif(a, b)', 'NULL when a = b, otherwise a.'),
  // strings
  f('concat', 1, V, 'varchar', 'concat(str, …)', 'Joins strings; NULL if any is NULL.'),
  f('concat_ws', 2, V, 'varchar', 'concat_ws(separator, str, …)', 'Joins strings with a separator, skipping NULLs.'),
  f('substr', 2, 3, 'varchar', 'substr(str, pos[, len])', 'Part of a string; positions start at 1.'),
  f('substring', 2, 3, 'varchar', 'substring(str, pos[, len])', 'Part of a string; positions start at 1.'),
  f('left', 2, 2, 'varchar', 'left(str, len)', 'The first len characters.'),
  f('right', 2, 2, 'varchar', 'right(str, len)', 'The last len characters.'),
  f('upper', 1, 1, 'varchar', 'upper(str)', 'Upper-cases a string.'),
  f('ucase', 1, 1, 'varchar', 'ucase(str)', 'Upper-cases a string.'),
  f('lower', 1, 1, 'varchar', 'lower(str)', 'Lower-cases a string.'),
  f('lcase', 1, 1, 'varchar', 'lcase(str)', 'Lower-cases a string.'),
  f('trim', 1, 2, 'varchar', 'trim(str[, chars])', 'Removes leading and trailing spaces (or the given characters).'),
  f('ltrim', 1, 2, 'varchar', 'ltrim(str)', 'Removes leading spaces.'),
  f('rtrim', 1, 2, 'varchar', 'rtrim(str)', 'Removes trailing spaces.'),
  f('length', 1, 1, 'int', 'length(str)', 'Length in bytes.'),
  f('char_length', 1, 1, 'int', 'char_length(str)', 'Length in characters.'),
  f('replace', 3, 3, 'varchar', 'replace(str, from, to)', 'Replaces every occurrence of from with to.'),
  f('split_part', 3, 3, 'varchar', 'split_part(str, separator, n)', 'The n-th field of str split by separator.'),
  f('lpad', 3, 3, 'varchar', 'lpad(str, len, pad)', 'Left-pads str to len characters.'),
  f('rpad', 3, 3, 'varchar', 'rpad(str, len, pad)', 'Right-pads str to len characters.'),
  f('reverse', 1, 1, 'varchar', 'reverse(str)', 'Reverses a string.'),
  f('regexp', 2, 2, 'boolean', 'str REGEXP pattern', 'Whether str matches the regular expression.'),
  f('regexp_extract', 3, 3, 'varchar', 'regexp_extract(str, pattern, group)', 'The group-th match of a regular expression.'),
  f('regexp_replace', 3, 3, 'varchar', 'regexp_replace(str, pattern, replacement)', 'Replaces regular-expression matches.'),
  f('md5', 1, 1, 'varchar', 'md5(str)', 'MD5 digest as hex.'),
  f('uuid', 0, 0, 'varchar', 'uuid()', 'A random UUID.'),
  // numbers
  f('abs', 1, 1, 'number', 'abs(x)', 'Absolute value.'),
  f('round', 1, 2, 'number', 'round(x[, digits])', 'Rounds to the given number of decimal digits (default 0).'),
  f('floor', 1, 1, 'bigint', 'floor(x)', 'Largest integer not greater than x.'),
  f('ceil', 1, 1, 'bigint', 'ceil(x)', 'Smallest integer not less than x.'),
  f('ceiling', 1, 1, 'bigint', 'ceiling(x)', 'Smallest integer not less than x.'),
  f('truncate', 2, 2, 'number', 'truncate(x, digits)', 'Cuts x to the given decimal digits.'),
  f('mod', 2, 2, 'number', 'mod(a, b)', 'Remainder of a / b.'),
  f('pow', 2, 2, 'double', 'pow(x, y)', 'x to the power y.'),
  f('power', 2, 2, 'double', 'power(x, y)', 'x to the power y.'),
  f('sqrt', 1, 1, 'double', 'sqrt(x)', 'Square root.'),
  f('greatest', 1, V, 'any', 'greatest(x, …)', 'Largest argument.'),
  f('least', 1, V, 'any', 'least(x, …)', 'Smallest argument.'),
  f('rand', 0, 1, 'double', 'rand([seed])', 'Random number in [0, 1).'),
  f('bitnot', 1, 1, 'bigint', '~x', 'Bitwise NOT.'),
  f('hex', 1, 1, 'varchar', 'hex(x)', 'Hexadecimal text of a number or string.'),
  // JSON
  f('get_json_string', 2, 2, 'varchar', 'get_json_string(json_str, json_path)', 'The string at a JSONPath such as \'$.a.b\'.'),
  f('get_json_int', 2, 2, 'int', 'get_json_int(json_str, json_path)', 'The integer at a JSONPath.'),
  f('get_json_double', 2, 2, 'double', 'get_json_double(json_str, json_path)', 'The number at a JSONPath.'),
  f('json_query', 2, 2, 'json', 'json_query(json, json_path)', 'The JSON value at a path.'),
  f('parse_json', 1, 1, 'json', 'parse_json(str)', 'Parses text as JSON.'),
  f('json_string', 1, 1, 'varchar', 'json_string(json)', 'JSON as text.'),
  // hashing and aggregate-state columns
  f('hll_hash', 1, 1, 'hll', 'hll_hash(x)', 'HLL value of x, for HLL columns.'),
  f('hll_empty', 0, 0, 'hll', 'hll_empty()', 'An empty HLL value.'),
  f('to_bitmap', 1, 1, 'bitmap', 'to_bitmap(x)', 'Bitmap of one unsigned integer, for BITMAP columns.'),
  f('bitmap_empty', 0, 0, 'bitmap', 'bitmap_empty()', 'An empty bitmap.'),
  f('bitmap_hash', 1, 1, 'bitmap', 'bitmap_hash(x)', 'Bitmap of the hash of x.'),
  f('murmur_hash3_32', 1, V, 'int', 'murmur_hash3_32(x, …)', '32-bit MurmurHash3 of the arguments.'),
  // internal: INTERVAL n unit reads as interval(n, unit)
  f('interval', 2, 2, 'interval', 'INTERVAL n unit', 'A time interval for date_add / date_sub.'),
];

const byName = new Map(FUNCTIONS.map((fn) => [fn.name, fn]));

export function findFunction(name: string): FunctionSpec | undefined {
  return byName.get(name.toLowerCase());
}
