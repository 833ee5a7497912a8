// The syntax tree of the statements the language core understands.
// It is the contract between the parser and everything that reads statements:
// analysis, the editor services, the sandbox (DDL and expressions) and the engine (jobs).
// Every node carries a Span into the source text, so consumers can point at it or
// take the original text back (e.g. an expression for a Stream Load `columns` header).

/** Half-open character offsets [start, end) into the parsed text. */
export interface Span {
  start: number;
  end: number;
}

export interface Node {
  span: Span;
}

/** A possibly back-quoted identifier; `name` is unquoted, `quoted` tells whether back-quotes were used. */
export interface Identifier extends Node {
  name: string;
  quoted: boolean;
}

/** `[db.]name` */
export interface QualifiedName extends Node {
  db?: Identifier;
  name: Identifier;
}

/** A string literal; `value` has quotes removed and escapes resolved. */
export interface StringLiteral extends Node {
  value: string;
  quote: "'" | '"';
}

/** `"key" = "value"` in PROPERTIES (...) or FROM KAFKA (...). */
export interface Property extends Node {
  key: StringLiteral;
  value: StringLiteral;
}

// ---------------------------------------------------------------- expressions

export type Expression =
  | LiteralExpr
  | ColumnRefExpr
  | UnaryExpr
  | BinaryExpr
  | IsNullExpr
  | InExpr
  | BetweenExpr
  | LikeExpr
  | CaseExpr
  | CastExpr
  | CallExpr
  | ParenExpr;

export interface LiteralExpr extends Node {
  kind: 'literal';
  /** `number` keeps the source text in `text` so decimals lose nothing. */
  type: 'string' | 'number' | 'null' | 'boolean';
  value: string | number | boolean | null;
  text: string;
}

export interface ColumnRefExpr extends Node {
  kind: 'column';
  /** `t.col` gives qualifier `t`. */
  qualifier?: Identifier;
  name: Identifier;
}

export interface UnaryExpr extends Node {
  kind: 'unary';
  op: '-' | '+' | 'NOT';
  operand: Expression;
}

export type BinaryOperator =
  | '+' | '-' | '*' | '/' | '%' | 'DIV'
  | '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | '<=>'
  | 'AND' | 'OR' | '||';

export interface BinaryExpr extends Node {
  kind: 'binary';
  op: BinaryOperator;
  left: Expression;
  right: Expression;
}

export interface IsNullExpr extends Node {
  kind: 'isNull';
  not: boolean;
  operand: Expression;
}

export interface InExpr extends Node {
  kind: 'in';
  not: boolean;
  operand: Expression;
  list: Expression[];
}

export interface BetweenExpr extends Node {
  kind: 'between';
  not: boolean;
  operand: Expression;
  low: Expression;
  high: Expression;
}

export interface LikeExpr extends Node {
  kind: 'like';
  not: boolean;
  operand: Expression;
  pattern: Expression;
}

export interface CaseExpr extends Node {
  kind: 'case';
  /** `CASE x WHEN 1 THEN …` has an operand; `CASE WHEN cond THEN …` has none. */
  operand?: Expression;
  whens: { when: Expression; then: Expression; span: Span }[];
  else?: Expression;
}

export interface TypeName extends Node {
  /** Lower-cased: bigint, int, varchar, decimal, datetime, … */
  name: string;
  /** `varchar(26)` → [26], `decimal(10,2)` → [10, 2]. */
  params: number[];
}

export interface CastExpr extends Node {
  kind: 'cast';
  operand: Expression;
  type: TypeName;
}

export interface CallExpr extends Node {
  kind: 'call';
  name: Identifier;
  args: Expression[];
  /** `count(*)` */
  star: boolean;
  /** Span of the parentheses, for signature help. */
  argsSpan: Span;
}

export interface ParenExpr extends Node {
  kind: 'paren';
  inner: Expression;
}

// ---------------------------------------------------------------- routine load

/** One item of COLUMNS (...): a mapped/placeholder column, or a derived `col = expr`. */
export interface ColumnMapping extends Node {
  name: Identifier;
  expr?: Expression;
}

export type LoadProperty =
  | { kind: 'columnSeparator'; value: StringLiteral; span: Span }
  | { kind: 'rowDelimiter'; value: StringLiteral; span: Span }
  | { kind: 'columns'; columns: ColumnMapping[]; span: Span }
  | { kind: 'where'; expr: Expression; span: Span }
  | { kind: 'partitions'; temporary: boolean; names: Identifier[]; span: Span };

export interface DataSource extends Node {
  /** As written; StarRocks upper-cases it and accepts KAFKA (and PULSAR). */
  type: Identifier;
  properties: Property[];
  /** Span of `( … )`, for completion of new properties. */
  bodySpan?: Span;
}

export interface PropertyList extends Node {
  properties: Property[];
  /** Span of `( … )`. */
  bodySpan: Span;
}

export interface CreateRoutineLoadStatement extends Node {
  kind: 'createRoutineLoad';
  job: QualifiedName;
  table: QualifiedName;
  loadProperties: LoadProperty[];
  jobProperties?: PropertyList;
  dataSource?: DataSource;
}

export interface AlterRoutineLoadStatement extends Node {
  kind: 'alterRoutineLoad';
  job: QualifiedName;
  loadProperties: LoadProperty[];
  jobProperties?: PropertyList;
  dataSource?: DataSource;
}

export interface JobControlStatement extends Node {
  kind: 'pauseRoutineLoad' | 'resumeRoutineLoad' | 'stopRoutineLoad';
  job: QualifiedName;
}

export interface OrderByItem extends Node {
  expr: Expression;
  descending: boolean;
}

export interface ShowRoutineLoadStatement extends Node {
  kind: 'showRoutineLoad';
  all: boolean;
  job?: QualifiedName;
  fromDb?: Identifier;
  where?: Expression;
  orderBy: OrderByItem[];
  limit?: { count: number; offset?: number; span: Span };
  /** Set when the user wrote `LIKE '…'` (Doris syntax StarRocks lacks), so analysis can say so. */
  like?: StringLiteral;
}

export interface ShowRoutineLoadTaskStatement extends Node {
  kind: 'showRoutineLoadTask';
  fromDb?: Identifier;
  where?: Expression;
}

export interface ShowCreateRoutineLoadStatement extends Node {
  kind: 'showCreateRoutineLoad';
  job: QualifiedName;
}

// ---------------------------------------------------------------- DDL the analysis needs

export interface CreateDatabaseStatement extends Node {
  kind: 'createDatabase';
  ifNotExists: boolean;
  name: Identifier;
}

export interface UseStatement extends Node {
  kind: 'use';
  db: Identifier;
}

export interface ColumnDefinition extends Node {
  name: Identifier;
  type: TypeName;
  /** Aggregate tables: SUM, MAX, MIN, REPLACE, REPLACE_IF_NOT_NULL, HLL_UNION, BITMAP_UNION. */
  aggregate?: string;
  /** Columns are nullable unless NOT NULL is written (StarRocks' default is NULL). */
  nullable: boolean;
  default?: Expression | { kind: 'currentTimestamp'; span: Span };
  autoIncrement: boolean;
  comment?: StringLiteral;
}

export type KeyType = 'PRIMARY' | 'DUPLICATE' | 'UNIQUE' | 'AGGREGATE';

export interface PartitionDesc extends Node {
  kind: 'range' | 'list' | 'expression';
  columns: Identifier[];
  /** Partition names defined in the DDL. */
  partitions: Identifier[];
}

export interface CreateTableStatement extends Node {
  kind: 'createTable';
  ifNotExists: boolean;
  table: QualifiedName;
  columns: ColumnDefinition[];
  engine?: Identifier;
  /** Absent key clause means StarRocks' default: DUPLICATE KEY on the leading columns. */
  keys?: { type: KeyType; columns: Identifier[]; span: Span };
  comment?: StringLiteral;
  partitionBy?: PartitionDesc;
  distributedBy?: { hash: Identifier[]; buckets?: number; span: Span };
  orderBy?: Identifier[];
  properties?: PropertyList;
}

/** A statement the product does not own: skipped, never flagged. */
export interface ForeignStatement extends Node {
  kind: 'foreign';
  /** First keyword(s), upper-cased, e.g. "SELECT", "INSERT", "CREATE VIEW". */
  head: string;
}

export type Statement =
  | CreateRoutineLoadStatement
  | AlterRoutineLoadStatement
  | JobControlStatement
  | ShowRoutineLoadStatement
  | ShowRoutineLoadTaskStatement
  | ShowCreateRoutineLoadStatement
  | CreateDatabaseStatement
  | UseStatement
  | CreateTableStatement
  | ForeignStatement;

export type RoutineLoadStatement =
  | CreateRoutineLoadStatement
  | AlterRoutineLoadStatement
  | JobControlStatement
  | ShowRoutineLoadStatement
  | ShowRoutineLoadTaskStatement
  | ShowCreateRoutineLoadStatement;

/** A syntax error inside a statement the product owns. */
export interface SyntaxError {
  span: Span;
  message: string;
  code: string;
  /** Defaults to 'error'. */
  severity?: 'error' | 'warning' | 'information' | 'hint';
  /** What a quick fix needs, e.g. { fix: 'quote', value }. */
  data?: Record<string, unknown>;
}

export interface ParsedStatement {
  /** Absent when the statement was too broken to build a node; `errors` then say why. */
  statement?: Statement;
  /** Span of the statement's whole text, up to and excluding the terminating `;`. */
  span: Span;
  errors: SyntaxError[];
}

export interface ParseResult {
  text: string;
  statements: ParsedStatement[];
}
