/**
 * JSON-with-comments (JSONC) documents with the line of every value, through jsonc-parser (the
 * parser of VS Code's settings files): `//` and `/* *\/` comments and trailing commas are
 * allowed, so a mission file can carry its own documentation. Errors are InputErrors naming
 * file, line and (for schema errors) the field's path.
 */
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { InputError } from '../core/errors.js';

export type JsonPath = (string | number)[];

export interface JsonDocument {
  /** The parsed value (comments dropped). */
  value: unknown;
  /** Line (1-based) of the value at `path`, or of its deepest existing ancestor. */
  lineOf(path: readonly (string | number | symbol)[]): number | undefined;
}

/** 1-based line of a character offset. */
export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let k = 0; k < offset && k < text.length; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

/** Parse JSONC text; a syntax error is an InputError at its line. */
export function parseJsonDocument(text: string, file: string): JsonDocument {
  const errors: ParseError[] = [];
  const root: Node | undefined = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length > 0 || root === undefined) {
    const e = errors[0];
    const what = e ? printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'empty document';
    throw new InputError(`not valid JSON: ${what}`, { file, line: e ? lineOfOffset(text, e.offset) : 1 });
  }
  const value = nodeValue(root);
  return {
    value,
    lineOf(path) {
      const p = path.map((x) => (typeof x === 'symbol' ? String(x) : x));
      for (let n = p.length; n >= 0; n--) {
        const node = findNodeAtLocation(root, p.slice(0, n));
        if (node) {
          // a property's value: report the line of its key
          const at = node.parent?.type === 'property' ? node.parent.offset : node.offset;
          return lineOfOffset(text, at);
        }
      }
      return undefined;
    },
  };
}

function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (k && v) o[String(k.value)] = nodeValue(v);
      }
      return o;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}
