import { ScimFilterError, type ScimFilterErrorType } from './ast.ts';

/**
 * A `word` is an attribute path, an operator or a keyword; which one is up to the parser, since
 * SCIM reserves no names. `.` only appears on its own after `]`, as in `emails[…].value`.
 */
export type TokenKind = 'word' | 'string' | 'number' | '(' | ')' | '[' | ']' | '.' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The source text; for `end`, the empty string. */
  readonly text: string;
  /** The decoded value of a string or number. */
  readonly value: string | number | null;
  /** 1-based character position. */
  readonly position: number;
}

const wordStart = /[A-Za-z$]/;
const wordChar = /[A-Za-z0-9_\-.:$]/;
const whitespace = /[ \t\r\n]/;
const jsonNumber = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const punctuation = new Set<string>(['(', ')', '[', ']', '.']);
const simpleEscapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Splits a filter or path into tokens; the last one is always `end`. */
export function tokenize(input: string, scimType: ScimFilterErrorType): Token[] {
  const tokens: Token[] = [];
  const fail = (index: number, message: string): never => {
    throw new ScimFilterError(scimType, `At position ${index + 1}: ${message}.`, index + 1);
  };
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (whitespace.test(c)) {
      i += 1;
    } else if (punctuation.has(c)) {
      tokens.push({ kind: c as TokenKind, text: c, value: null, position: i + 1 });
      i += 1;
    } else if (c === '"') {
      const end = readString(input, i, fail);
      tokens.push({ kind: 'string', text: input.slice(i, end.next), value: end.value, position: i + 1 });
      i = end.next;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      jsonNumber.lastIndex = i;
      const match = jsonNumber.exec(input);
      const next = i + (match?.[0].length ?? 0);
      if (!match || wordChar.test(input.charAt(next))) fail(i, `malformed number '${readWord(input, i)}'; write numbers as JSON does, e.g. 42 or -1.5`);
      tokens.push({ kind: 'number', text: input.slice(i, next), value: Number(input.slice(i, next)), position: i + 1 });
      i = next;
    } else if (wordStart.test(c)) {
      const text = readWord(input, i);
      tokens.push({ kind: 'word', text, value: null, position: i + 1 });
      i += text.length;
    } else if (c === "'") {
      fail(i, "unexpected ' (single quote); SCIM strings are written in double quotes");
    } else {
      fail(i, `unexpected character '${c}'`);
    }
  }
  tokens.push({ kind: 'end', text: '', value: null, position: input.length + 1 });
  return tokens;
}

function readWord(input: string, start: number): string {
  let end = start + 1;
  while (end < input.length && wordChar.test(input.charAt(end))) end += 1;
  return input.slice(start, end);
}

/** Reads a JSON string starting at the opening quote; returns its value and the index after it. */
function readString(input: string, start: number, fail: (index: number, message: string) => never): { value: string; next: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= input.length) fail(start, 'unterminated string; add the closing "');
    const c = input.charAt(i);
    if (c === '"') return { value, next: i + 1 };
    if (c < ' ') fail(i, 'control character inside a string; escape it (e.g. \\n or \\u0009)');
    if (c !== '\\') {
      value += c;
      i += 1;
      continue;
    }
    const escape = input.charAt(i + 1);
    const simple = simpleEscapes[escape];
    if (simple !== undefined) {
      value += simple;
      i += 2;
    } else if (escape === 'u' && /^[0-9A-Fa-f]{4}$/.test(input.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(input.slice(i + 2, i + 6), 16));
      i += 6;
    } else {
      fail(i, `invalid escape '\\${escape}' in string; use \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX`);
    }
  }
}
