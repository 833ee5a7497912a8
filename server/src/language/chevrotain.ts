// Chevrotain 11 ships as ES modules only, and this project compiles to CommonJS (tsx in tests,
// esbuild for the bundles). tsx cannot `require` chevrotain's split ES modules, but it can load
// chevrotain's self-contained bundle, which esbuild also follows. Types come from the package.
import type * as Chevrotain from 'chevrotain' with { 'resolution-mode': 'import' };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const chevrotain = require('../../../node_modules/chevrotain/lib/chevrotain.mjs') as typeof Chevrotain;

export const { createToken, Lexer, CstParser, tokenMatcher, EOF } = chevrotain;
export type { CstNode, CstElement, IToken, TokenType, IParserErrorMessageProvider, IRecognitionException, ILexingResult } from 'chevrotain' with { 'resolution-mode': 'import' };
