// The Chevrotain grammar of the statements the product owns (starrocks-reference.md §1), plus
// enough StarRocks DDL to learn tables. One parser instance serves every statement: it is reset
// by assigning `input`. Recovery is on, so a broken clause still yields the rest of the tree.
import { CstParser, type CstNode, type IParserErrorMessageProvider, type IToken, type TokenType } from './chevrotain';
import * as lexerModule from './lexer';

// A plain copy: reading a token through the module namespace costs a getter call per access.
const T = { ...lexerModule };

/** What a token is called in a message: "a quoted value", "(", "a name". */
export function describeToken(type: TokenType): string {
  switch (type) {
    case T.StringLiteral: return 'a quoted value';
    case T.Name: case T.Identifier: case T.BackquotedIdentifier: return 'a name';
    case T.NumberLiteral: return 'a number';
    case T.LParen: return '(';
    case T.RParen: return ')';
    case T.Comma: return ',';
    case T.Dot: return '.';
    case T.Equals: return '=';
    case T.Less: return '<';
    case T.Greater: return '>';
    default: {
      const pattern = type.PATTERN;
      if (pattern instanceof RegExp && /^[A-Z_]+$/.test(type.name)) return type.name;
      return type.name;
    }
  }
}

/** Where an error is, in words, from the rule that failed. */
const RULE_PLACES: Record<string, string> = {
  jobProperties: 'in PROPERTIES',
  jobProperty: 'in PROPERTIES',
  sourceProperties: 'in FROM KAFKA (…)',
  sourceProperty: 'in FROM KAFKA (…)',
  tableProperties: 'in PROPERTIES',
  tableProperty: 'in PROPERTIES',
  columnsProperty: 'in COLUMNS (…)',
  columnMapping: 'in COLUMNS (…)',
  loadProperty: 'in the load properties',
  partitionNames: 'in PARTITION (…)',
  createRoutineLoad: 'in CREATE ROUTINE LOAD',
  alterRoutineLoad: 'in ALTER ROUTINE LOAD',
  jobControl: 'in this statement',
  showStatement: 'in SHOW',
  castExpr: 'in CAST',
  caseExpr: 'in CASE',
  callArgs: 'in the function arguments',
  createTable: 'in CREATE TABLE',
  columnDefinition: 'in the column definition',
  columnType: 'in the column type',
};

function place(ruleName: string): string {
  return RULE_PLACES[ruleName] ?? '';
}

function found(token: IToken | undefined): string {
  if (!token || token.tokenType.name === 'EOF') return 'the end of the statement';
  if (token.tokenType === T.UnclosedString) return 'a string with no closing quote';
  const image = token.image.length > 30 ? `${token.image.slice(0, 30)}…` : token.image;
  return `'${image}'`;
}

function joinAlternatives(names: string[]): string {
  const unique = [...new Set(names)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  if (unique.length > 6) return `${unique.slice(0, 6).join(', ')} or …`;
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

const messages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    const where = place(ruleName);
    const prev = previous && previous.tokenType.name !== 'EOF' ? previous.image : '';
    if (expected === T.StringLiteral && (ruleName === 'jobProperty' || ruleName === 'sourceProperty' || ruleName === 'tableProperty')) {
      if (prev === ',' && actual.tokenType === T.RParen) return `remove the trailing comma: nothing follows it ${where}`;
      if (prev === '=') return `expected a quoted value after = ${where}`;
      return `expected a quoted property name ${where}, such as "format"`;
    }
    if (expected === T.Equals && (ruleName === 'jobProperty' || ruleName === 'sourceProperty' || ruleName === 'tableProperty')) {
      return `expected = between the property name and its value ${where}, found ${found(actual)}`;
    }
    if (expected === T.RParen && actual.tokenType === T.StringLiteral) {
      return `expected , or ) ${where}, found ${found(actual)}: is a comma missing?`.replace('  ', ' ');
    }
    const after = prev ? ` after ${prev.length > 30 ? prev.slice(0, 30) + '…' : prev}` : '';
    return `expected ${describeToken(expected)}${after}${where ? ' ' + where : ''}, found ${found(actual)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant, ruleName }) {
    if (ruleName === 'createRoutineLoad' || ruleName === 'alterRoutineLoad') {
      return `unexpected ${found(firstRedundant)}: the clauses go in this order: load properties (separated by commas), PROPERTIES (…), FROM KAFKA (…)`;
    }
    return `unexpected ${found(firstRedundant)}: the statement should end here`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    const names = expectedPathsPerAlt.flatMap((paths) => paths.map((path) => (path[0] ? describeToken(path[0]) : '')));
    const prev = previous && previous.tokenType.name !== 'EOF' ? ` after ${previous.image}` : '';
    if (ruleName === 'jobProperty' || ruleName === 'sourceProperty' || ruleName === 'tableProperty') {
      const where = place(ruleName);
      if (previous?.image === ',' && actual[0]?.tokenType === T.RParen) return `remove the trailing comma: nothing follows it ${where}`;
      if (previous?.image === '=') return `expected a quoted value after = ${where}, found ${found(actual[0])}`;
      return `expected a quoted property name ${where}, such as "format", found ${found(actual[0])}`;
    }
    if (ruleName === 'primary' || ruleName === 'unaryExpr') return `expected an expression${prev}, found ${found(actual[0])}`;
    if (ruleName === 'loadProperty') {
      return `expected a load property${prev} (COLUMNS TERMINATED BY, ROWS TERMINATED BY, COLUMNS (…), WHERE or PARTITION (…)), found ${found(actual[0])}`;
    }
    const where = place(ruleName);
    return `expected ${joinAlternatives(names.filter(Boolean))}${prev}${where ? ' ' + where : ''}, found ${found(actual[0])}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, previous, ruleName }) {
    const names = expectedIterationPaths.map((path) => (path[0] ? describeToken(path[0]) : ''));
    const prev = previous && previous.tokenType.name !== 'EOF' ? ` after ${previous.image}` : '';
    const where = place(ruleName);
    return `expected ${joinAlternatives(names.filter(Boolean))}${prev}${where ? ' ' + where : ''}, found ${found(actual[0])}`;
  },
};

/** The statement kinds the grammar has an entry rule for. */
export type EntryRule =
  | 'createRoutineLoad'
  | 'alterRoutineLoad'
  | 'jobControl'
  | 'showStatement'
  | 'createDatabase'
  | 'createTable'
  | 'useStatement'
  | 'expression'
  | 'columnMappingList';

export class RoutineLoadParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, nodeLocationTracking: 'onlyOffset', maxLookahead: 3, errorMessageProvider: messages });
    this.performSelfAnalysis();
  }

  // Alternatives are built once per OR and reused: building them on every call is costly.
  private readonly alternativesCache = new Map<number, unknown>();
  private alternatives<A>(id: number, build: () => A): A {
    let cached = this.alternativesCache.get(id) as A | undefined;
    if (cached === undefined) {
      cached = build();
      this.alternativesCache.set(id, cached);
    }
    return cached;
  }

  // ------------------------------------------------------------ names

  public qualifiedName = this.RULE('qualifiedName', () => {
    this.CONSUME(T.Name);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME2(T.Name);
    });
  });

  // ------------------------------------------------------------ routine load

  public createRoutineLoad = this.RULE('createRoutineLoad', () => {
    this.CONSUME(T.Create);
    this.CONSUME(T.Routine);
    this.CONSUME(T.Load);
    this.SUBRULE(this.qualifiedName, { LABEL: 'job' });
    this.CONSUME(T.On);
    this.SUBRULE2(this.qualifiedName, { LABEL: 'table' });
    this.OPTION(() => this.SUBRULE(this.loadProperties));
    this.OPTION2(() => this.SUBRULE(this.jobProperties));
    this.OPTION3(() => this.SUBRULE(this.dataSource));
  });

  public alterRoutineLoad = this.RULE('alterRoutineLoad', () => {
    this.CONSUME(T.Alter);
    this.CONSUME(T.Routine);
    this.CONSUME(T.Load);
    this.CONSUME(T.For);
    this.SUBRULE(this.qualifiedName, { LABEL: 'job' });
    this.OPTION(() => this.SUBRULE(this.loadProperties));
    this.OPTION2(() => this.SUBRULE(this.jobProperties));
    this.OPTION3(() => this.SUBRULE(this.dataSource));
  });

  public loadProperties = this.RULE('loadProperties', () => {
    this.SUBRULE(this.loadProperty);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.loadProperty);
    });
  });

  public loadProperty = this.RULE('loadProperty', () => {
    this.OR(this.alternatives(1, () => [
      { ALT: () => this.SUBRULE(this.separatorProperty) },
      { ALT: () => this.SUBRULE(this.columnsProperty) },
      { ALT: () => this.SUBRULE(this.whereProperty) },
      { ALT: () => this.SUBRULE(this.partitionNames) },
    ]));
  });

  public separatorProperty = this.RULE('separatorProperty', () => {
    this.OR(this.alternatives(2, () => [{ ALT: () => this.CONSUME(T.Columns) }, { ALT: () => this.CONSUME(T.Rows) }]));
    this.CONSUME(T.Terminated);
    this.CONSUME(T.By);
    this.CONSUME(T.StringLiteral);
  });

  public columnsProperty = this.RULE('columnsProperty', () => {
    this.CONSUME(T.Columns);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.columnMappingList);
    this.CONSUME(T.RParen);
  });

  public columnMappingList = this.RULE('columnMappingList', () => {
    this.SUBRULE(this.columnMapping);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.columnMapping);
    });
  });

  public columnMapping = this.RULE('columnMapping', () => {
    this.CONSUME(T.Name);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    });
  });

  public whereProperty = this.RULE('whereProperty', () => {
    this.CONSUME(T.Where);
    this.SUBRULE(this.expression);
  });

  public partitionNames = this.RULE('partitionNames', () => {
    this.OPTION(() => this.CONSUME(T.Temporary));
    this.OR(this.alternatives(3, () => [{ ALT: () => this.CONSUME(T.Partition) }, { ALT: () => this.CONSUME(T.Partitions) }]));
    this.OR2(this.alternatives(4, () => [
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.partitionName) });
          this.CONSUME(T.RParen);
        },
      },
      { ALT: () => this.SUBRULE2(this.partitionName) },
    ]));
  });

  public partitionName = this.RULE('partitionName', () => {
    this.OR(this.alternatives(5, () => [{ ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.StringLiteral) }]));
  });

  public jobProperties = this.RULE('jobProperties', () => {
    this.CONSUME(T.Properties);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.jobProperty);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.jobProperty);
      });
    });
    this.CONSUME(T.RParen);
  });

  public dataSource = this.RULE('dataSource', () => {
    this.CONSUME(T.From);
    this.CONSUME(T.Name);
    this.OPTION(() => this.SUBRULE(this.sourceProperties));
  });

  public sourceProperties = this.RULE('sourceProperties', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.SUBRULE(this.sourceProperty);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.sourceProperty);
      });
    });
    this.CONSUME(T.RParen);
  });

  // Keys and values must be quoted; a bare word or number is read too, so the builder can
  // say "quote it" with a quick fix instead of a generic syntax error.
  private propertyBody(): void {
    this.OR(this.alternatives(6, () => [
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'key' }) },
      { ALT: () => this.SUBRULE(this.bareWord, { LABEL: 'bareKey' }) },
    ]));
    this.CONSUME(T.Equals);
    this.OR2(this.alternatives(7, () => [
      { ALT: () => this.CONSUME2(T.StringLiteral, { LABEL: 'value' }) },
      { ALT: () => this.SUBRULE2(this.bareWord, { LABEL: 'bareValue' }) },
    ]));
  }

  public bareWord = this.RULE('bareWord', () => {
    this.OPTION(() => this.CONSUME(T.Minus));
    this.OR(this.alternatives(8, () => [{ ALT: () => this.CONSUME(T.NumberLiteral) }, { ALT: () => this.CONSUME(T.Name) }, { ALT: () => this.CONSUME(T.True) }, { ALT: () => this.CONSUME(T.False) }]));
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.OR2(this.alternatives(9, () => [{ ALT: () => this.CONSUME2(T.NumberLiteral) }, { ALT: () => this.CONSUME2(T.Name) }]));
    });
  });

  public jobProperty = this.RULE('jobProperty', () => this.propertyBody());
  public sourceProperty = this.RULE('sourceProperty', () => this.propertyBody());
  public tableProperty = this.RULE('tableProperty', () => this.propertyBody());

  public jobControl = this.RULE('jobControl', () => {
    this.OR(this.alternatives(10, () => [{ ALT: () => this.CONSUME(T.Pause) }, { ALT: () => this.CONSUME(T.Resume) }, { ALT: () => this.CONSUME(T.Stop) }]));
    this.CONSUME(T.Routine);
    this.CONSUME(T.Load);
    this.CONSUME(T.For);
    this.SUBRULE(this.qualifiedName, { LABEL: 'job' });
  });

  public showStatement = this.RULE('showStatement', () => {
    this.CONSUME(T.Show);
    this.OR(this.alternatives(11, () => [
      {
        ALT: () => {
          this.CONSUME(T.Create);
          this.CONSUME(T.Routine);
          this.CONSUME(T.Load);
          this.SUBRULE(this.qualifiedName, { LABEL: 'job' });
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.All));
          this.CONSUME2(T.Routine);
          this.CONSUME2(T.Load);
          this.OPTION2(() => this.CONSUME(T.Task));
          this.OPTION3(() => {
            this.CONSUME(T.For);
            this.SUBRULE2(this.qualifiedName, { LABEL: 'job' });
          });
          this.OPTION4(() => {
            this.CONSUME(T.Like);
            this.CONSUME(T.StringLiteral, { LABEL: 'like' });
          });
          this.OPTION5(() => {
            this.CONSUME(T.From);
            this.SUBRULE3(this.qualifiedName, { LABEL: 'fromDb' });
          });
          this.OPTION6(() => {
            this.CONSUME(T.Where);
            this.SUBRULE(this.expression, { LABEL: 'where' });
          });
          this.OPTION7(() => {
            this.CONSUME(T.Order);
            this.CONSUME(T.By);
            this.SUBRULE(this.orderItem);
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.SUBRULE2(this.orderItem);
            });
          });
          this.OPTION8(() => {
            this.CONSUME(T.Limit);
            this.CONSUME(T.NumberLiteral, { LABEL: 'limitFirst' });
            this.OPTION9(() => {
              this.OR2(this.alternatives(101, () => [{ ALT: () => this.CONSUME2(T.Comma) }, { ALT: () => this.CONSUME(T.Offset) }]));
              this.CONSUME2(T.NumberLiteral, { LABEL: 'limitSecond' });
            });
          });
        },
      },
    ]));
  });

  public orderItem = this.RULE('orderItem', () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => this.OR(this.alternatives(12, () => [{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }])));
  });

  // ------------------------------------------------------------ DDL

  public useStatement = this.RULE('useStatement', () => {
    this.CONSUME(T.Use);
    this.SUBRULE(this.qualifiedName);
  });

  public createDatabase = this.RULE('createDatabase', () => {
    this.CONSUME(T.Create);
    this.OR(this.alternatives(13, () => [{ ALT: () => this.CONSUME(T.Database) }, { ALT: () => this.CONSUME(T.Schema) }]));
    this.OPTION(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Not);
      this.CONSUME(T.Exists);
    });
    this.SUBRULE(this.qualifiedName);
  });

  public createTable = this.RULE('createTable', () => {
    this.CONSUME(T.Create);
    this.OPTION(() => this.CONSUME(T.External));
    this.CONSUME(T.Table);
    this.OPTION2(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Not);
      this.CONSUME(T.Exists);
    });
    this.SUBRULE(this.qualifiedName);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.tableElement);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE2(this.tableElement);
    });
    this.CONSUME(T.RParen);
    this.MANY2(() => this.SUBRULE(this.tableClause));
  });

  public tableElement = this.RULE('tableElement', () => {
    this.OR(this.alternatives(14, () => [
      { ALT: () => this.SUBRULE(this.indexDefinition) },
      { ALT: () => this.SUBRULE(this.columnDefinition) },
    ]));
  });

  public indexDefinition = this.RULE('indexDefinition', () => {
    this.CONSUME(T.Index);
    this.SUBRULE(this.skipItem);
  });

  public columnDefinition = this.RULE('columnDefinition', () => {
    this.CONSUME(T.Name);
    this.SUBRULE(this.columnType);
    this.MANY(() => {
      this.OR(this.alternatives(15, () => ({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          { ALT: () => { this.CONSUME(T.Not); this.CONSUME(T.Null, { LABEL: 'notNull' }); } },
          { ALT: () => this.CONSUME2(T.Null, { LABEL: 'nullable' }) },
          { ALT: () => { this.CONSUME(T.Default); this.SUBRULE(this.defaultValue); } },
          { ALT: () => this.CONSUME(T.AutoIncrement) },
          { ALT: () => { this.CONSUME(T.Comment); this.CONSUME(T.StringLiteral, { LABEL: 'comment' }); } },
          { ALT: () => { this.CONSUME(T.As); this.SUBRULE(this.expression, { LABEL: 'generated' }); } },
          { ALT: () => this.CONSUME(T.Key) },
          { ALT: () => this.CONSUME2(T.Name, { LABEL: 'aggregate' }) },
        ],
      })));
    });
  });

  public defaultValue = this.RULE('defaultValue', () => {
    this.OR(this.alternatives(16, () => ({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            this.CONSUME(T.CurrentTimestamp);
            this.OPTION(() => {
              this.CONSUME(T.LParen);
              this.CONSUME(T.RParen);
            });
          },
        },
        { ALT: () => this.SUBRULE(this.unaryExpr) },
      ],
    })));
  });

  public columnType = this.RULE('columnType', () => {
    this.CONSUME(T.Name);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.CONSUME(T.NumberLiteral);
      this.MANY(() => {
        this.CONSUME(T.Comma);
        this.CONSUME2(T.NumberLiteral);
      });
      this.CONSUME(T.RParen);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Less);
      this.SUBRULE(this.typeArgument);
      this.MANY2(() => {
        this.CONSUME2(T.Comma);
        this.SUBRULE2(this.typeArgument);
      });
      this.CONSUME(T.Greater);
    });
  });

  // ARRAY<INT>, MAP<INT, VARCHAR(10)>, STRUCT<a INT, b STRING>
  public typeArgument = this.RULE('typeArgument', () => {
    this.SUBRULE(this.columnType);
    this.OPTION(() => this.SUBRULE2(this.columnType, { LABEL: 'fieldType' }));
  });

  public tableClause = this.RULE('tableClause', () => {
    this.OR(this.alternatives(17, () => [
      { ALT: () => { this.CONSUME(T.Engine); this.CONSUME(T.Equals); this.CONSUME(T.Name, { LABEL: 'engine' }); } },
      {
        ALT: () => {
          this.OR2(this.alternatives(102, () => [
            { ALT: () => this.CONSUME(T.Primary, { LABEL: 'keyType' }) },
            { ALT: () => this.CONSUME(T.Duplicate, { LABEL: 'keyType' }) },
            { ALT: () => this.CONSUME(T.Unique, { LABEL: 'keyType' }) },
            { ALT: () => this.CONSUME(T.Aggregate, { LABEL: 'keyType' }) },
          ]));
          this.CONSUME(T.Key);
          this.SUBRULE(this.nameList, { LABEL: 'keyColumns' });
        },
      },
      { ALT: () => { this.CONSUME(T.Comment); this.CONSUME(T.StringLiteral, { LABEL: 'comment' }); } },
      { ALT: () => this.SUBRULE(this.partitionBy) },
      {
        ALT: () => {
          this.CONSUME(T.Distributed);
          this.CONSUME(T.By);
          this.OR3(this.alternatives(103, () => [
            { ALT: () => { this.CONSUME(T.Hash); this.SUBRULE2(this.nameList, { LABEL: 'hashColumns' }); } },
            { ALT: () => this.CONSUME(T.Random) },
          ]));
          this.OPTION(() => { this.CONSUME(T.Buckets); this.CONSUME(T.NumberLiteral, { LABEL: 'buckets' }); });
        },
      },
      { ALT: () => { this.CONSUME(T.Order); this.CONSUME2(T.By); this.SUBRULE3(this.nameList, { LABEL: 'orderColumns' }); } },
      { ALT: () => this.SUBRULE(this.tableProperties) },
      { ALT: () => { this.CONSUME(T.Rollup); this.SUBRULE(this.skipGroup); } },
    ]));
  });

  public nameList = this.RULE('nameList', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Name) });
    this.CONSUME(T.RParen);
  });

  public partitionBy = this.RULE('partitionBy', () => {
    this.CONSUME(T.Partition);
    this.CONSUME(T.By);
    this.OR(this.alternatives(18, () => ({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => { this.CONSUME(T.Range, { LABEL: 'kind' }); this.SUBRULE(this.nameList); this.SUBRULE(this.partitionDefinitions); } },
        { ALT: () => { this.CONSUME(T.List, { LABEL: 'kind' }); this.SUBRULE2(this.nameList); this.SUBRULE2(this.partitionDefinitions); } },
        {
          ALT: () => {
            this.SUBRULE(this.expression);
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.SUBRULE2(this.expression);
            });
            this.OPTION(() => this.SUBRULE3(this.partitionDefinitions));
          },
        },
      ],
    })));
  });

  public partitionDefinitions = this.RULE('partitionDefinitions', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.skipItem) });
    this.CONSUME(T.RParen);
  });

  /** Tokens up to the next `,` or `)` at this depth, parentheses balanced. */
  public skipItem = this.RULE('skipItem', () => {
    this.MANY(() => this.OR(this.alternatives(19, () => [{ ALT: () => this.CONSUME(T.Skippable) }, { ALT: () => this.SUBRULE(this.skipGroup) }])));
  });

  public skipGroup = this.RULE('skipGroup', () => {
    this.CONSUME(T.LParen);
    this.MANY(() =>
      this.OR(this.alternatives(20, () => [{ ALT: () => this.CONSUME(T.Skippable) }, { ALT: () => this.CONSUME(T.Comma) }, { ALT: () => this.SUBRULE(this.skipGroup) }])),
    );
    this.CONSUME(T.RParen);
  });

  public tableProperties = this.RULE('tableProperties', () => {
    this.CONSUME(T.Properties);
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.tableProperty) });
    this.CONSUME(T.RParen);
  });

  // ------------------------------------------------------------ expressions
  //
  // Flat: one rule for the AND / OR / NOT level and one for arithmetic, instead of a rule per
  // precedence level (a rule call is the costly part of a Chevrotain parse). The builder applies
  // precedence: NOT < comparison < + - < * / % DIV MOD < unary. Operators alternate with their
  // operands, so the builder can tell which prefix (NOT, -, +, ~) or predicate tail belongs to
  // which operand from the operators' offsets.

  /** `[NOT] arith tail* ((AND | OR | && | ||) [NOT] arith tail*)*` */
  public expression = this.RULE('expression', () => {
    this.MANY(() => this.OR(this.alternatives(23, () => [{ ALT: () => this.CONSUME(T.Not, { LABEL: 'not' }) }, { ALT: () => this.CONSUME(T.Bang, { LABEL: 'not' }) }])));
    this.SUBRULE(this.arith);
    this.MANY2(() => this.SUBRULE(this.predicateTail));
    this.MANY3(() => {
      this.OR2(this.alternatives(21, () => [
        { ALT: () => this.CONSUME(T.Or, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.PipePipe, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.And, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.AmpAmp, { LABEL: 'op' }) },
      ]));
      this.MANY4(() => this.OR4(this.alternatives(104, () => [{ ALT: () => this.CONSUME2(T.Not, { LABEL: 'not' }) }, { ALT: () => this.CONSUME2(T.Bang, { LABEL: 'not' }) }])));
      this.SUBRULE2(this.arith);
      this.MANY5(() => this.SUBRULE2(this.predicateTail));
    });
  });

  public predicateTail = this.RULE('predicateTail', () => {
    this.OR(this.alternatives(24, () => [
      {
        ALT: () => {
          this.OR2(this.alternatives(105, () => [
            { ALT: () => this.CONSUME(T.Equals, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.NotEquals, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.NotEqualsAngle, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.Less, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.LessOrEqual, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.Greater, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.GreaterOrEqual, { LABEL: 'op' }) },
            { ALT: () => this.CONSUME(T.NullSafeEquals, { LABEL: 'op' }) },
          ]));
          this.SUBRULE(this.arith, { LABEL: 'right' });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Is);
          this.OPTION(() => this.CONSUME(T.Not));
          this.CONSUME(T.Null);
        },
      },
      {
        ALT: () => {
          this.OPTION2(() => this.CONSUME2(T.Not));
          this.OR3(this.alternatives(107, () => [
            {
              ALT: () => {
                this.CONSUME(T.In);
                this.CONSUME(T.LParen);
                this.SUBRULE(this.expression, { LABEL: 'list' });
                this.MANY(() => {
                  this.CONSUME(T.Comma);
                  this.SUBRULE2(this.expression, { LABEL: 'list' });
                });
                this.CONSUME(T.RParen);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.Between);
                this.SUBRULE2(this.arith, { LABEL: 'low' });
                this.CONSUME(T.And);
                this.SUBRULE3(this.arith, { LABEL: 'high' });
              },
            },
            {
              ALT: () => {
                this.OR4(this.alternatives(106, () => [{ ALT: () => this.CONSUME(T.Like, { LABEL: 'likeOp' }) }, { ALT: () => this.CONSUME(T.Regexp, { LABEL: 'likeOp' }) }, { ALT: () => this.CONSUME(T.Rlike, { LABEL: 'likeOp' }) }]));
                this.SUBRULE4(this.arith, { LABEL: 'pattern' });
              },
            },
          ]));
        },
      },
    ]));
  });

  /** `[- + ~]* primary ((+ - * / % DIV MOD) [- + ~]* primary)*` */
  public arith = this.RULE('arith', () => {
    this.MANY(() => this.OR(this.alternatives(108, () => [
      { ALT: () => this.CONSUME(T.Minus, { LABEL: 'prefix' }) },
      { ALT: () => this.CONSUME(T.Plus, { LABEL: 'prefix' }) },
      { ALT: () => this.CONSUME(T.Tilde, { LABEL: 'prefix' }) },
    ])));
    this.SUBRULE(this.primary);
    this.MANY2(() => {
      this.OR2(this.alternatives(25, () => [
        { ALT: () => this.CONSUME2(T.Plus, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME2(T.Minus, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Percent, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Div, { LABEL: 'op' }) },
        { ALT: () => this.CONSUME(T.Mod, { LABEL: 'op' }) },
      ]));
      this.MANY3(() => this.OR3(this.alternatives(109, () => [
        { ALT: () => this.CONSUME3(T.Minus, { LABEL: 'prefix' }) },
        { ALT: () => this.CONSUME3(T.Plus, { LABEL: 'prefix' }) },
        { ALT: () => this.CONSUME2(T.Tilde, { LABEL: 'prefix' }) },
      ])));
      this.SUBRULE2(this.primary);
    });
  });

  /** A column default: `[- + ~]* primary`. */
  public unaryExpr = this.RULE('unaryExpr', () => {
    this.MANY(() => this.OR(this.alternatives(27, () => [
      { ALT: () => this.CONSUME(T.Minus, { LABEL: 'prefix' }) },
      { ALT: () => this.CONSUME(T.Plus, { LABEL: 'prefix' }) },
      { ALT: () => this.CONSUME(T.Tilde, { LABEL: 'prefix' }) },
    ])));
    this.SUBRULE(this.primary);
  });

  public primary = this.RULE('primary', () => {
    this.OR(this.alternatives(28, () => [
      { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.Null, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.True, { LABEL: 'literal' }) },
      { ALT: () => this.CONSUME(T.False, { LABEL: 'literal' }) },
      { ALT: () => this.SUBRULE(this.caseExpr) },
      { ALT: () => this.SUBRULE(this.castExpr) },
      { ALT: () => this.SUBRULE(this.intervalExpr) },
      {
        // A column reference `[t.]col`, or a function call `name(args)`.
        ALT: () => {
          this.CONSUME(T.Name);
          this.OPTION(() => {
            this.CONSUME(T.Dot);
            this.CONSUME2(T.Name);
          });
          this.OPTION2(() => this.SUBRULE(this.callArgs));
        },
      },
      { ALT: () => { this.CONSUME(T.LParen); this.SUBRULE(this.expression); this.CONSUME(T.RParen); } },
    ]));
  });

  public callArgs = this.RULE('callArgs', () => {
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.OR(this.alternatives(29, () => [
        { ALT: () => this.CONSUME(T.Star) },
        {
          ALT: () => {
            this.OPTION2(() => this.CONSUME(T.Distinct));
            this.SUBRULE(this.expression);
            this.MANY(() => {
              this.CONSUME(T.Comma);
              this.SUBRULE2(this.expression);
            });
          },
        },
      ]));
    });
    this.CONSUME(T.RParen);
  });

  public caseExpr = this.RULE('caseExpr', () => {
    this.CONSUME(T.Case);
    this.OPTION(() => this.SUBRULE(this.expression, { LABEL: 'operand' }));
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      this.SUBRULE2(this.expression, { LABEL: 'when' });
      this.CONSUME(T.Then);
      this.SUBRULE3(this.expression, { LABEL: 'then' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Else);
      this.SUBRULE4(this.expression, { LABEL: 'else' });
    });
    this.CONSUME(T.End);
  });

  public castExpr = this.RULE('castExpr', () => {
    this.CONSUME(T.Cast);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.As);
    this.SUBRULE(this.columnType);
    this.CONSUME(T.RParen);
  });

  public intervalExpr = this.RULE('intervalExpr', () => {
    this.CONSUME(T.Interval);
    this.SUBRULE(this.arith);
    this.CONSUME(T.Name, { LABEL: 'unit' });
  });
}

/** The one parser instance; reset per statement through `input`. */
export const parser = new RoutineLoadParser();

export interface RuleResult {
  cst: CstNode | undefined;
  errors: { message: string; token: IToken; previousToken?: IToken; name: string }[];
}

/** Run one entry rule over tokens. */
export function runRule(rule: EntryRule, tokens: IToken[]): RuleResult {
  parser.input = tokens;
  const cst = (parser[rule] as () => CstNode)();
  const errors = parser.errors.map((e) => ({
    message: e.message,
    token: e.token,
    previousToken: (e as unknown as { previousToken?: IToken }).previousToken,
    name: e.name,
  }));
  return { cst, errors };
}
