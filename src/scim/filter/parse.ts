import {
  compareOperators,
  filterLimits,
  formatAttrPath,
  ScimFilterError,
  type AttrPath,
  type CompareOperator,
  type CompareValue,
  type Filter,
  type ScimFilterErrorType,
} from './ast.ts';
import { tokenize, type Token } from './tokenize.ts';

const attributeName = /^\$?[A-Za-z][A-Za-z0-9_-]*$/;
const schemaUrn = /^urn:[A-Za-z0-9][A-Za-z0-9-]*:\S+$/i;
const operatorList = `${compareOperators.join(', ')} or pr`;

/** Parses a `filter` query parameter (or `.search` body field) into a tree. */
export function parseFilter(input: string): Filter {
  const parser = new FilterParser(input, 'invalidFilter');
  const filter = parser.parseFilter();
  parser.expectEnd();
  return filter;
}

/**
 * A recursive-descent parser over the RFC 7644 grammar, with precedence not > and > or.
 * `path.ts` drives it directly to parse PATCH paths.
 */
export class FilterParser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;

  constructor(
    input: string,
    private readonly scimType: ScimFilterErrorType,
  ) {
    const subject = this.subject();
    if (input.length > filterLimits.maxLength) {
      throw new ScimFilterError(scimType, `The ${subject} is ${input.length} characters long; the limit is ${filterLimits.maxLength}.`);
    }
    if (input.trim() === '') throw new ScimFilterError(scimType, `The ${subject} is empty.`, 1);
    this.tokens = tokenize(input, scimType);
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)]!;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  parseFilter(): Filter {
    return this.parseOr(false);
  }

  /** Parses `[filter]` after the attribute `parent`; paths inside it name `parent`'s sub-attributes. */
  parseValueFilter(parent: AttrPath): Filter {
    const open = this.next();
    if (parent.sub !== null) {
      this.fail(open, `a value filter must follow the attribute itself ('${parent.name}[…].${parent.sub}'), not its sub-attribute`);
    }
    this.enter(open);
    const filter = this.parseOr(true);
    const close = this.next();
    if (close.kind !== ']') this.fail(close, `expected 'and', 'or' or ']' to close the '[' at position ${open.position}, found ${describe(close)}`);
    this.depth -= 1;
    return filter;
  }

  /** Reads an attribute path from a word; `relative` paths (inside `[…]`) are a bare name. */
  attrPath(token: Token, relative: boolean): AttrPath {
    const colon = token.text.lastIndexOf(':');
    const schema = colon < 0 ? null : token.text.slice(0, colon);
    const [name = '', sub = null, ...rest] = token.text.slice(colon + 1).split('.');
    if (schema !== null && !schemaUrn.test(schema)) {
      this.fail(token, `'${schema}' is not a schema URN; write e.g. 'urn:ietf:params:scim:schemas:core:2.0:User:userName'`);
    }
    if (!attributeName.test(name) || rest.length > 0 || (sub !== null && !attributeName.test(sub))) {
      this.fail(token, `'${token.text}' is not an attribute path; write 'attribute' or 'attribute.subAttribute', optionally after a schema URN and ':'`);
    }
    if (relative && (schema !== null || sub !== null)) {
      this.fail(token, `inside [ ] name one sub-attribute of the attribute before '[' (e.g. 'type'), not '${token.text}'`);
    }
    return { schema, name, sub };
  }

  /** Reads the `.sub` after `]`, or returns null when there is none. */
  parseTrailingSub(): string | null {
    if (this.peek().kind !== '.') return null;
    this.next();
    const word = this.next();
    if (word.kind !== 'word' || !attributeName.test(word.text)) this.fail(word, `expected a sub-attribute name after '].', found ${describe(word)}`);
    return word.text;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    if (token.kind === ')' || token.kind === ']') this.fail(token, `unexpected '${token.kind}': there is no matching '${token.kind === ')' ? '(' : '['}'`);
    const expected = this.scimType === 'invalidPath' ? 'the end of the path' : "'and', 'or' or the end of the filter";
    this.fail(token, `expected ${expected}, found ${describe(token)}`);
  }

  fail(token: Token, message: string): never {
    throw new ScimFilterError(this.scimType, `At position ${token.position}: ${message}.`, token.position);
  }

  private parseOr(inValue: boolean): Filter {
    return this.parseChain('or', () => this.parseAnd(inValue));
  }

  private parseAnd(inValue: boolean): Filter {
    return this.parseChain('and', () => this.parseUnary(inValue));
  }

  private parseChain(kind: 'and' | 'or', operand: () => Filter): Filter {
    const filters: Filter[] = [];
    const add = (filter: Filter) => filters.push(...(filter.kind === kind ? filter.filters : [filter]));
    add(operand());
    while (this.isKeyword(this.peek(), kind)) {
      this.next();
      add(operand());
    }
    return filters.length === 1 ? filters[0]! : { kind, filters };
  }

  private parseUnary(inValue: boolean): Filter {
    const previous = this.index > 0 ? this.tokens[this.index - 1] : undefined;
    const token = this.next();
    if (this.isKeyword(token, 'not') && !this.isOperatorWord(this.peek())) {
      const open = this.next();
      if (open.kind !== '(') this.fail(open, `expected '(' after 'not', found ${describe(open)}; write not (expression)`);
      return { kind: 'not', filter: this.parseGroup(open, inValue) };
    }
    if (token.kind === '(') return this.parseGroup(token, inValue);
    if (token.kind === 'word') return this.parseAttributeExpression(token, inValue);
    const after = previous ? ` after '${previous.text}'` : '';
    return this.fail(token, `expected an attribute name, 'not' or '('${after}, found ${describe(token)}`);
  }

  private parseGroup(open: Token, inValue: boolean): Filter {
    this.enter(open);
    const filter = this.parseOr(inValue);
    const close = this.next();
    if (close.kind !== ')') this.fail(close, `expected 'and', 'or' or ')' to close the '(' at position ${open.position}, found ${describe(close)}`);
    this.depth -= 1;
    return filter;
  }

  private parseAttributeExpression(token: Token, inValue: boolean): Filter {
    const path = this.attrPath(token, inValue);
    if (this.peek().kind !== '[') return this.parseComparison(path);
    if (inValue) this.fail(this.peek(), `value filters cannot nest: '[' inside '[ ]'`);
    const filter = this.parseValueFilter(path);
    const sub = this.parseTrailingSub();
    if (sub === null) return { kind: 'valuePath', path, filter };
    // `emails[type eq "work"].value co "x"` reads as `emails[type eq "work" and value co "x"]`.
    const condition = this.parseComparison({ schema: null, name: sub, sub: null });
    return { kind: 'valuePath', path, filter: { kind: 'and', filters: [filter, condition] } };
  }

  private parseComparison(path: AttrPath): Filter {
    const token = this.next();
    if (token.kind !== 'word') this.fail(token, `expected an operator (${operatorList}) after '${formatAttrPath(path)}', found ${describe(token)}`);
    const op = token.text.toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!this.isOperatorWord(token)) this.fail(token, `unknown operator '${token.text}'; expected one of ${operatorList}`);
    return { kind: 'compare', path, op: op as CompareOperator, value: this.parseValue(op) };
  }

  private parseValue(op: string): CompareValue {
    const token = this.next();
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    const keyword = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (keyword === 'true') return true;
    if (keyword === 'false') return false;
    if (keyword === 'null') return null;
    const hint = token.kind === 'word' ? `; put text in double quotes, e.g. "${token.text}"` : '';
    return this.fail(token, `expected a value after '${op}' (a "quoted string", a number, true, false or null), found ${describe(token)}${hint}`);
  }

  private enter(token: Token): void {
    this.depth += 1;
    if (this.depth > filterLimits.maxDepth) {
      this.fail(token, `the ${this.subject()} nests more than ${filterLimits.maxDepth} levels of '(', 'not' and '['; simplify it`);
    }
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private isOperatorWord(token: Token): boolean {
    const word = token.kind === 'word' ? token.text.toLowerCase() : '';
    return word === 'pr' || (compareOperators as readonly string[]).includes(word);
  }

  private subject(): string {
    return this.scimType === 'invalidPath' ? 'path' : 'filter';
  }
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the input';
  if (token.kind === 'string') return token.text.length > 40 ? `the string ${token.text.slice(0, 37)}…` : `the string ${token.text}`;
  return `'${token.text}'`;
}
