// CST → AST. The CST may be partial after error recovery: every child can be missing and
// tokens inserted by recovery have no offsets, so each step checks before it reads.
import type {
  BinaryOperator,
  ColumnDefinition,
  ColumnMapping,
  CreateTableStatement,
  DataSource,
  Expression,
  Identifier,
  KeyType,
  LoadProperty,
  OrderByItem,
  PartitionDesc,
  Property,
  PropertyList,
  QualifiedName,
  Span,
  Statement,
  StringLiteral,
  SyntaxError,
  TypeName,
} from './ast';
import type { CstElement, CstNode, IToken } from './chevrotain';
import * as lexerModule from './lexer';

// A plain copy: reading a token through the module namespace costs a getter call per access.
const T = { ...lexerModule };
import { unquote } from './text';

type Children = Record<string, CstElement[] | undefined>;

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && (e as IToken).tokenType !== undefined;
}

function real(t: IToken | undefined): t is IToken {
  return t !== undefined && !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

export function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}

/** Builds statements; collects the "write it this way" errors the grammar lets through. */
export class Builder {
  readonly errors: SyntaxError[] = [];

  constructor(private readonly fallback: Span) {}

  private kids(node: CstNode | undefined): Children {
    return (node?.children ?? {}) as Children;
  }
  private tok(node: CstNode | undefined, name: string, i = 0): IToken | undefined {
    const e = this.kids(node)[name]?.[i];
    return isToken(e) && real(e) ? e : undefined;
  }
  private toks(node: CstNode | undefined, name: string): IToken[] {
    const out: IToken[] = [];
    const list = node?.children[name];
    if (list) for (const e of list) if (isToken(e) && real(e)) out.push(e);
    return out;
  }
  private sub(node: CstNode | undefined, name: string, i = 0): CstNode | undefined {
    const e = this.kids(node)[name]?.[i];
    return e && !isToken(e) ? (e as CstNode) : undefined;
  }
  private subs(node: CstNode | undefined, name: string): CstNode[] {
    const out: CstNode[] = [];
    const list = node?.children[name];
    if (list) for (const e of list) if (!isToken(e)) out.push(e);
    return out;
  }

  /** Span of a node from its tokens; the statement's span when it has none. */
  span(node: CstNode | undefined): Span {
    const loc = node?.location;
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset)) {
      return { start: loc.startOffset, end: (loc.endOffset as number) + 1 };
    }
    return { ...this.fallback };
  }

  private join(a: Span, b: Span): Span {
    return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
  }

  // ---------------------------------------------------------------- names and literals

  identifier(t: IToken): Identifier {
    const quoted = t.tokenType === T.BackquotedIdentifier;
    return { name: quoted ? unquote(t.image) : t.image, quoted, span: tokenSpan(t) };
  }

  stringLiteral(t: IToken): StringLiteral {
    return { value: unquote(t.image), quote: t.image[0] === "'" ? "'" : '"', span: tokenSpan(t) };
  }

  qualifiedName(node: CstNode | undefined): QualifiedName | undefined {
    const parts = this.toks(node, 'Name');
    if (parts.length === 0) return undefined;
    const name = this.identifier(parts[parts.length - 1]);
    const db = parts.length > 1 ? this.identifier(parts[parts.length - 2]) : undefined;
    return { db, name, span: this.join(tokenSpan(parts[0]), name.span) };
  }

  private missingName(): QualifiedName {
    const span = { start: this.fallback.end, end: this.fallback.end };
    return { name: { name: '', quoted: false, span }, span };
  }

  // ---------------------------------------------------------------- routine load

  createRoutineLoad(node: CstNode): Statement {
    return {
      kind: 'createRoutineLoad',
      span: this.span(node),
      job: this.qualifiedName(this.sub(node, 'job')) ?? this.missingName(),
      table: this.qualifiedName(this.sub(node, 'table')) ?? this.missingName(),
      loadProperties: this.loadProperties(this.sub(node, 'loadProperties')),
      jobProperties: this.jobProperties(this.sub(node, 'jobProperties')),
      dataSource: this.dataSource(this.sub(node, 'dataSource')),
    };
  }

  alterRoutineLoad(node: CstNode): Statement {
    return {
      kind: 'alterRoutineLoad',
      span: this.span(node),
      job: this.qualifiedName(this.sub(node, 'job')) ?? this.missingName(),
      loadProperties: this.loadProperties(this.sub(node, 'loadProperties')),
      jobProperties: this.jobProperties(this.sub(node, 'jobProperties')),
      dataSource: this.dataSource(this.sub(node, 'dataSource')),
    };
  }

  jobControl(node: CstNode): Statement {
    const kind = this.tok(node, 'PAUSE') ? 'pauseRoutineLoad' : this.tok(node, 'RESUME') ? 'resumeRoutineLoad' : 'stopRoutineLoad';
    return { kind, span: this.span(node), job: this.qualifiedName(this.sub(node, 'job')) ?? this.missingName() };
  }

  showStatement(node: CstNode): Statement {
    const span = this.span(node);
    if (this.tok(node, 'CREATE')) {
      return { kind: 'showCreateRoutineLoad', span, job: this.qualifiedName(this.sub(node, 'job')) ?? this.missingName() };
    }
    const fromQ = this.qualifiedName(this.sub(node, 'fromDb'));
    const fromDb = fromQ?.name;
    const whereNode = this.sub(node, 'where');
    const where = whereNode ? this.expression(whereNode) : undefined;
    if (this.tok(node, 'TASK')) return { kind: 'showRoutineLoadTask', span, fromDb, where };
    const orderBy: OrderByItem[] = this.subs(node, 'orderItem').flatMap((item) => {
      const e = this.sub(item, 'expression');
      if (!e) return [];
      return [{ expr: this.expression(e), descending: this.tok(item, 'DESC') !== undefined, span: this.span(item) }];
    });
    const first = this.tok(node, 'limitFirst');
    const second = this.tok(node, 'limitSecond');
    let limit: { count: number; offset?: number; span: Span } | undefined;
    if (first) {
      const limitTok = this.tok(node, 'LIMIT');
      const limitSpan = this.join(limitTok ? tokenSpan(limitTok) : tokenSpan(first), tokenSpan(second ?? first));
      if (!second) limit = { count: Number(first.image), span: limitSpan };
      else if (this.tok(node, 'OFFSET')) limit = { count: Number(first.image), offset: Number(second.image), span: limitSpan };
      else limit = { count: Number(second.image), offset: Number(first.image), span: limitSpan };
    }
    const likeTok = this.tok(node, 'like');
    return {
      kind: 'showRoutineLoad',
      span,
      all: this.tok(node, 'ALL') !== undefined,
      job: this.qualifiedName(this.sub(node, 'job')),
      fromDb,
      where,
      orderBy,
      limit,
      like: likeTok ? this.stringLiteral(likeTok) : undefined,
    };
  }

  loadProperties(node: CstNode | undefined): LoadProperty[] {
    const out: LoadProperty[] = [];
    for (const lp of this.subs(node, 'loadProperty')) {
      const sep = this.sub(lp, 'separatorProperty');
      if (sep) {
        const value = this.tok(sep, 'StringLiteral');
        if (value) out.push({ kind: this.tok(sep, 'ROWS') ? 'rowDelimiter' : 'columnSeparator', value: this.stringLiteral(value), span: this.span(sep) });
        continue;
      }
      const cols = this.sub(lp, 'columnsProperty');
      if (cols) {
        out.push({ kind: 'columns', columns: this.columnMappings(this.sub(cols, 'columnMappingList')), span: this.span(cols) });
        continue;
      }
      const where = this.sub(lp, 'whereProperty');
      if (where) {
        const e = this.sub(where, 'expression');
        if (e) out.push({ kind: 'where', expr: this.expression(e), span: this.span(where) });
        continue;
      }
      const parts = this.sub(lp, 'partitionNames');
      if (parts) {
        const names = this.subs(parts, 'partitionName').flatMap((p) => {
          const n = this.tok(p, 'Name');
          if (n) return [this.identifier(n)];
          const s = this.tok(p, 'StringLiteral');
          return s ? [{ name: unquote(s.image), quoted: true, span: tokenSpan(s) }] : [];
        });
        out.push({ kind: 'partitions', temporary: this.tok(parts, 'TEMPORARY') !== undefined, names, span: this.span(parts) });
      }
    }
    return out;
  }

  columnMappings(node: CstNode | undefined): ColumnMapping[] {
    const out: ColumnMapping[] = [];
    for (const m of this.subs(node, 'columnMapping')) {
      const name = this.tok(m, 'Name');
      if (!name) continue;
      const e = this.sub(m, 'expression');
      out.push({ name: this.identifier(name), expr: e ? this.expression(e) : undefined, span: this.span(m) });
    }
    return out;
  }

  jobProperties(node: CstNode | undefined): PropertyList | undefined {
    if (!node) return undefined;
    return { properties: this.properties(node, 'jobProperty'), bodySpan: this.parenSpan(node), span: this.span(node) };
  }

  private parenSpan(node: CstNode): Span {
    const open = this.tok(node, 'LParen');
    const close = this.tok(node, 'RParen');
    const all = this.span(node);
    return { start: open ? open.startOffset : all.start, end: close ? close.startOffset + 1 : all.end };
  }

  dataSource(node: CstNode | undefined): DataSource | undefined {
    if (!node) return undefined;
    const type = this.tok(node, 'Name');
    const body = this.sub(node, 'sourceProperties');
    return {
      type: type ? this.identifier(type) : { name: '', quoted: false, span: this.span(node) },
      properties: body ? this.properties(body, 'sourceProperty') : [],
      bodySpan: body ? this.parenSpan(body) : undefined,
      span: this.span(node),
    };
  }

  properties(node: CstNode, rule: string): Property[] {
    const out: Property[] = [];
    for (const p of this.subs(node, rule)) {
      const key = this.propertyPart(p, 'key', 'bareKey', 'name');
      const value = this.propertyPart(p, 'value', 'bareValue', 'value');
      if (key && value) out.push({ key, value, span: this.join(key.span, value.span) });
    }
    return out;
  }

  private propertyPart(p: CstNode, quotedLabel: string, bareLabel: string, what: 'name' | 'value'): StringLiteral | undefined {
    const t = this.tok(p, quotedLabel);
    if (t) return this.stringLiteral(t);
    const bare = this.sub(p, bareLabel);
    if (!bare) return undefined;
    const span = this.span(bare);
    const tokens = Object.values(this.kids(bare)).flat().filter((e): e is IToken => isToken(e) && real(e)).sort((a, b) => a.startOffset - b.startOffset);
    if (tokens.length === 0) return undefined;
    const value = tokens.map((x) => (x.tokenType === T.BackquotedIdentifier ? unquote(x.image) : x.image)).join('');
    this.errors.push({
      span,
      code: 'RL002',
      message: `property ${what}s are quoted strings: write "${value}"`,
      severity: 'error',
      data: { fix: 'quote', value },
    });
    return { value, quote: '"', span };
  }

  // ---------------------------------------------------------------- DDL

  useStatement(node: CstNode): Statement | undefined {
    const q = this.qualifiedName(this.sub(node, 'qualifiedName'));
    return q ? { kind: 'use', db: q.name, span: this.span(node) } : undefined;
  }

  createDatabase(node: CstNode): Statement | undefined {
    const q = this.qualifiedName(this.sub(node, 'qualifiedName'));
    return q ? { kind: 'createDatabase', ifNotExists: this.tok(node, 'IF') !== undefined, name: q.name, span: this.span(node) } : undefined;
  }

  createTable(node: CstNode): CreateTableStatement | undefined {
    const table = this.qualifiedName(this.sub(node, 'qualifiedName'));
    if (!table) return undefined;
    const stmt: CreateTableStatement = {
      kind: 'createTable',
      span: this.span(node),
      ifNotExists: this.tok(node, 'IF') !== undefined,
      table,
      columns: this.subs(node, 'tableElement').flatMap((el) => {
        const def = this.sub(el, 'columnDefinition');
        const c = def ? this.columnDefinition(def) : undefined;
        return c ? [c] : [];
      }),
    };
    for (const clause of this.subs(node, 'tableClause')) {
      const engine = this.tok(clause, 'engine');
      if (engine) stmt.engine = this.identifier(engine);
      const keyType = this.tok(clause, 'keyType');
      if (keyType) stmt.keys = { type: keyType.image.toUpperCase() as KeyType, columns: this.nameList(this.sub(clause, 'keyColumns')), span: this.span(clause) };
      const comment = this.tok(clause, 'comment');
      if (comment) stmt.comment = this.stringLiteral(comment);
      const partitionBy = this.sub(clause, 'partitionBy');
      if (partitionBy) stmt.partitionBy = this.partitionBy(partitionBy);
      if (this.tok(clause, 'DISTRIBUTED')) {
        const buckets = this.tok(clause, 'buckets');
        stmt.distributedBy = { hash: this.nameList(this.sub(clause, 'hashColumns')), buckets: buckets ? Number(buckets.image) : undefined, span: this.span(clause) };
      }
      const order = this.sub(clause, 'orderColumns');
      if (order) stmt.orderBy = this.nameList(order);
      const props = this.sub(clause, 'tableProperties');
      if (props) stmt.properties = { properties: this.properties(props, 'tableProperty'), bodySpan: this.parenSpan(props), span: this.span(props) };
    }
    return stmt;
  }

  private nameList(node: CstNode | undefined): Identifier[] {
    return this.toks(node, 'Name').map((t) => this.identifier(t));
  }

  private partitionBy(node: CstNode): PartitionDesc {
    const kindTok = this.tok(node, 'kind');
    const kind = kindTok ? (kindTok.image.toLowerCase() as 'range' | 'list') : 'expression';
    const columns = kindTok
      ? this.nameList(this.sub(node, 'nameList'))
      : this.subs(node, 'expression').flatMap((e) => this.columnsIn(this.expression(e)));
    const partitions: Identifier[] = [];
    for (const defs of this.subs(node, 'partitionDefinitions')) {
      for (const item of this.subs(defs, 'skipItem')) {
        const first = this.toks(item, 'Skippable');
        if (first[0]?.tokenType === T.Partition && first[1] && (first[1].tokenType.CATEGORIES ?? []).includes(T.Name)) {
          partitions.push(this.identifier(first[1]));
        }
      }
    }
    return { kind, columns, partitions, span: this.span(node) };
  }

  private columnsIn(e: Expression): Identifier[] {
    const out: Identifier[] = [];
    walkExpression(e, (x) => {
      if (x.kind === 'column') out.push(x.name);
    });
    return out;
  }

  columnDefinition(node: CstNode): ColumnDefinition | undefined {
    const name = this.tok(node, 'Name');
    if (!name) return undefined;
    const type = this.typeName(this.sub(node, 'columnType'));
    const def: ColumnDefinition = {
      name: this.identifier(name),
      type: type ?? { name: '', params: [], span: tokenSpan(name) },
      nullable: this.tok(node, 'notNull') === undefined,
      autoIncrement: this.tok(node, 'AUTO_INCREMENT') !== undefined,
      span: this.span(node),
    };
    const aggregate = this.tok(node, 'aggregate');
    if (aggregate) def.aggregate = aggregate.image.toUpperCase();
    const comment = this.tok(node, 'comment');
    if (comment) def.comment = this.stringLiteral(comment);
    const dv = this.sub(node, 'defaultValue');
    if (dv) {
      const ct = this.tok(dv, 'CURRENT_TIMESTAMP');
      const u = this.sub(dv, 'unaryExpr');
      if (ct) def.default = { kind: 'currentTimestamp', span: this.span(dv) };
      else if (u) def.default = this.unary(u);
    }
    return def;
  }

  typeName(node: CstNode | undefined): TypeName | undefined {
    const name = this.tok(node, 'Name');
    if (!name) return undefined;
    const params = this.toks(node, 'NumberLiteral').map((t) => Number(t.image));
    return { name: (name.tokenType === T.BackquotedIdentifier ? unquote(name.image) : name.image).toLowerCase(), params, span: this.span(node) };
  }

  // ---------------------------------------------------------------- expressions

  /** The AND / OR / NOT level; see the grammar's `expression` for its shape. */
  expression(node: CstNode): Expression {
    const k = this.kids(node);
    const operands = k.arith;
    const ops = k.op;
    const nots = k.not;
    const tails = k.predicateTail;
    if (ops === undefined && nots === undefined && tails === undefined) {
      return operands ? this.arith(operands[0] as CstNode) : this.errorExpr(node);
    }
    // Operator k stands between condition k and k + 1; a NOT or a tail belongs to the
    // condition whose operator range holds its offset. Operators are always real tokens.
    const opTokens = (ops ?? []).filter(isToken);
    const conditions: Expression[] = [];
    let notAt = 0;
    let tailAt = 0;
    for (let c = 0; c <= opTokens.length; c++) {
      const limit = c < opTokens.length ? opTokens[c].startOffset : Infinity;
      const arith = operands?.[c] as CstNode | undefined;
      let cond = arith ? this.arith(arith) : this.errorExpr(node);
      let end = arith ? this.locationEnd(arith) : NaN;
      while (tails && tailAt < tails.length) {
        const tail = tails[tailAt] as CstNode;
        const loc = tail.location;
        if (loc && Number.isFinite(loc.startOffset) && loc.startOffset > limit) break;
        cond = this.predicateTail(cond, tail);
        const tailEnd = this.locationEnd(tail);
        if (!(end >= tailEnd)) end = Number.isFinite(end) ? Math.max(end, tailEnd) : tailEnd;
        tailAt++;
      }
      const mine: IToken[] = [];
      while (nots && notAt < nots.length) {
        const t = nots[notAt] as IToken;
        if (t.startOffset > limit) break;
        mine.push(t);
        notAt++;
      }
      for (let i = mine.length - 1; i >= 0; i--) {
        const t = mine[i];
        const tEnd = t.startOffset + t.image.length;
        cond = { kind: 'unary', op: 'NOT', operand: cond, span: { start: t.startOffset, end: Number.isFinite(end) && end > tEnd ? end : tEnd } };
      }
      conditions.push(cond);
    }
    // AND binds tighter than OR; both associate to the left.
    let sum: Expression | undefined;
    let sumOp: IToken | undefined;
    let term = conditions[0];
    for (let i = 1; i < conditions.length; i++) {
      const op = opTokens[i - 1];
      const right = conditions[i];
      if (op.tokenType === T.And || op.tokenType === T.AmpAmp) {
        term = { kind: 'binary', op: this.binaryOp(op), left: term, right, span: this.join(term.span, right.span) };
      } else {
        sum = sum && sumOp ? { kind: 'binary', op: this.binaryOp(sumOp), left: sum, right: term, span: this.join(sum.span, term.span) } : term;
        sumOp = op;
        term = right;
      }
    }
    return sum && sumOp ? { kind: 'binary', op: this.binaryOp(sumOp), left: sum, right: term, span: this.join(sum.span, term.span) } : term;
  }

  /** End offset (exclusive) of a node's real tokens; NaN when it has none. */
  private locationEnd(node: CstNode): number {
    const loc = node.location;
    return loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset) ? (loc.endOffset as number) + 1 : NaN;
  }

  private binaryOp(t: IToken | undefined): BinaryOperator {
    if (!t) return '+';
    const image = t.image.toUpperCase();
    switch (image) {
      case '&&': return 'AND';
      case '==': return '=';
      case 'MOD': return '%';
      default: return image as BinaryOperator;
    }
  }

  /** Stands in for a part recovery dropped, so the tree keeps its shape. */
  private errorExpr(node: CstNode | undefined): Expression {
    const span = this.span(node);
    return { kind: 'literal', type: 'null', value: null, text: '', span };
  }

  private predicateTail(left: Expression, tail: CstNode): Expression {
    const span = this.join(left.span, this.span(tail));
    const not = this.tok(tail, 'NOT') !== undefined;
    const right = this.sub(tail, 'right');
    if (right) {
      const r = this.arith(right);
      return { kind: 'binary', op: this.binaryOp(this.tok(tail, 'op')), left, right: r, span };
    }
    if (this.tok(tail, 'IS')) return { kind: 'isNull', not, operand: left, span };
    if (this.tok(tail, 'IN')) return { kind: 'in', not, operand: left, list: this.subs(tail, 'list').map((e) => this.expression(e)), span };
    if (this.tok(tail, 'BETWEEN')) {
      const low = this.sub(tail, 'low');
      const high = this.sub(tail, 'high');
      return { kind: 'between', not, operand: left, low: low ? this.arith(low) : this.errorExpr(tail), high: high ? this.arith(high) : this.errorExpr(tail), span };
    }
    const p = this.sub(tail, 'pattern');
    const pattern = p ? this.arith(p) : this.errorExpr(tail);
    const op = this.tok(tail, 'likeOp');
    if (op && op.tokenType !== T.Like) {
      // REGEXP / RLIKE read as the function StarRocks maps them to.
      const name: Identifier = { name: 'regexp', quoted: false, span: tokenSpan(op) };
      const call: Expression = { kind: 'call', name, args: [left, pattern], star: false, argsSpan: span, span };
      return not ? { kind: 'unary', op: 'NOT', operand: call, span } : call;
    }
    return { kind: 'like', not, operand: left, pattern, span };
  }

  /** Arithmetic: `* / % DIV MOD` bind tighter than `+ -`, both to the left; prefixes tightest. */
  private arith(node: CstNode): Expression {
    const k = this.kids(node);
    const operands = k.primary;
    const ops = k.op;
    const prefixes = k.prefix;
    if (ops === undefined && prefixes === undefined) return operands ? this.primary(operands[0] as CstNode) : this.errorExpr(node);
    const opTokens = (ops ?? []).filter(isToken);
    let prefixAt = 0;
    const operand = (i: number): Expression => {
      const limit = i < opTokens.length ? opTokens[i].startOffset : Infinity;
      const mine: IToken[] = [];
      while (prefixes && prefixAt < prefixes.length) {
        const t = prefixes[prefixAt] as IToken;
        if (t.startOffset > limit) break;
        mine.push(t);
        prefixAt++;
      }
      const p = operands?.[i] as CstNode | undefined;
      return this.prefixed(mine, p, p ?? node);
    };
    let sum: Expression | undefined;
    let sumOp: IToken | undefined;
    let term = operand(0);
    for (let i = 1; i <= opTokens.length; i++) {
      if (operands === undefined || i >= operands.length) break;
      const op = opTokens[i - 1];
      const right = operand(i);
      const t = op.tokenType;
      if (t === T.Plus || t === T.Minus) {
        sum = sum && sumOp ? { kind: 'binary', op: this.binaryOp(sumOp), left: sum, right: term, span: this.join(sum.span, term.span) } : term;
        sumOp = op;
        term = right;
      } else {
        term = { kind: 'binary', op: this.binaryOp(op), left: term, right, span: this.join(term.span, right.span) };
      }
    }
    return sum && sumOp ? { kind: 'binary', op: this.binaryOp(sumOp), left: sum, right: term, span: this.join(sum.span, term.span) } : term;
  }

  /** `- + ~` before a primary, the first outermost; `~x` reads as bitnot(x). */
  private prefixed(prefixes: IToken[], primary: CstNode | undefined, owner: CstNode): Expression {
    let e = primary ? this.primary(primary) : this.errorExpr(owner);
    if (prefixes.length === 0) return e;
    const last = prefixes[prefixes.length - 1];
    const primaryEnd = primary ? this.locationEnd(primary) : NaN;
    const end = Number.isFinite(primaryEnd) ? primaryEnd : last.startOffset + last.image.length;
    for (let i = prefixes.length - 1; i >= 0; i--) {
      const op = prefixes[i];
      const span = { start: op.startOffset, end };
      if (op.image === '~') e = { kind: 'call', name: { name: 'bitnot', quoted: false, span: tokenSpan(op) }, args: [e], star: false, argsSpan: e.span, span };
      else e = { kind: 'unary', op: op.image === '+' ? '+' : '-', operand: e, span };
    }
    return e;
  }

  /** A column default (`unaryExpr`). */
  unary(node: CstNode): Expression {
    const prefixes = (this.kids(node).prefix ?? []).filter(isToken);
    return this.prefixed(prefixes, this.sub(node, 'primary'), node);
  }

  private primary(node: CstNode): Expression {
    const lit = this.tok(node, 'literal');
    if (lit) return this.literal(lit);
    if (this.kids(node).Name) return this.nameExpr(node);
    const caseNode = this.sub(node, 'caseExpr');
    if (caseNode) return this.caseExpr(caseNode);
    const cast = this.sub(node, 'castExpr');
    if (cast) {
      const e = this.sub(cast, 'expression');
      const type = this.typeName(this.sub(cast, 'columnType'));
      return { kind: 'cast', operand: e ? this.expression(e) : this.errorExpr(cast), type: type ?? { name: '', params: [], span: this.span(cast) }, span: this.span(cast) };
    }
    const interval = this.sub(node, 'intervalExpr');
    if (interval) {
      const value = this.sub(interval, 'arith');
      const unit = this.tok(interval, 'unit');
      const args: Expression[] = [value ? this.arith(value) : this.errorExpr(interval)];
      if (unit) args.push({ kind: 'column', name: this.identifier(unit), span: tokenSpan(unit) });
      const span = this.span(interval);
      return { kind: 'call', name: { name: 'interval', quoted: false, span }, args, star: false, argsSpan: span, span };
    }
    const inner = this.sub(node, 'expression');
    if (inner) return { kind: 'paren', inner: this.expression(inner), span: this.span(node) };
    return this.errorExpr(node);
  }

  private literal(t: IToken): Expression {
    const span = tokenSpan(t);
    switch (t.tokenType) {
      case T.NumberLiteral: {
        const value = /^0x/i.test(t.image) ? parseInt(t.image, 16) : Number(t.image);
        return { kind: 'literal', type: 'number', value, text: t.image, span };
      }
      case T.StringLiteral:
        return { kind: 'literal', type: 'string', value: unquote(t.image), text: t.image, span };
      case T.Null:
        return { kind: 'literal', type: 'null', value: null, text: t.image, span };
      default:
        return { kind: 'literal', type: 'boolean', value: t.tokenType === T.True, text: t.image, span };
    }
  }

  private nameExpr(node: CstNode): Expression {
    const names = this.toks(node, 'Name');
    const span = this.span(node);
    if (names.length === 0) return this.errorExpr(node);
    const last = this.identifier(names[names.length - 1]);
    const args = this.sub(node, 'callArgs');
    if (args) {
      return {
        kind: 'call',
        name: last,
        args: this.subs(args, 'expression').map((e) => this.expression(e)),
        star: this.tok(args, 'Star') !== undefined,
        argsSpan: this.span(args),
        span,
      };
    }
    return { kind: 'column', qualifier: names.length > 1 ? this.identifier(names[0]) : undefined, name: last, span };
  }

  private caseExpr(node: CstNode): Expression {
    const whens = this.subs(node, 'when');
    const thens = this.subs(node, 'then');
    const operand = this.sub(node, 'operand');
    const elseNode = this.sub(node, 'else');
    return {
      kind: 'case',
      operand: operand ? this.expression(operand) : undefined,
      whens: whens.map((w, i) => {
        const when = this.expression(w);
        const then = thens[i] ? this.expression(thens[i]) : this.errorExpr(w);
        return { when, then, span: this.join(when.span, then.span) };
      }),
      else: elseNode ? this.expression(elseNode) : undefined,
      span: this.span(node),
    };
  }
}

/**
 * Visit an expression and every expression inside it, parents first, children left to right.
 * Iterative: a long chain such as `a + a + … + a` is a tree as deep as it has terms.
 */
export function walkExpression(root: Expression, visit: (e: Expression) => void): void {
  const stack: Expression[] = [root];
  while (stack.length > 0) {
    const e = stack.pop() as Expression;
    visit(e);
    // Children are pushed last first, so they are visited in source order.
    switch (e.kind) {
      case 'unary': stack.push(e.operand); break;
      case 'binary': stack.push(e.right, e.left); break;
      case 'isNull': stack.push(e.operand); break;
      case 'in': for (let i = e.list.length - 1; i >= 0; i--) stack.push(e.list[i]); stack.push(e.operand); break;
      case 'between': stack.push(e.high, e.low, e.operand); break;
      case 'like': stack.push(e.pattern, e.operand); break;
      case 'case':
        if (e.else) stack.push(e.else);
        for (let i = e.whens.length - 1; i >= 0; i--) stack.push(e.whens[i].then, e.whens[i].when);
        if (e.operand) stack.push(e.operand);
        break;
      case 'cast': stack.push(e.operand); break;
      case 'call': for (let i = e.args.length - 1; i >= 0; i--) stack.push(e.args[i]); break;
      case 'paren': stack.push(e.inner); break;
      default: break;
    }
  }
}
