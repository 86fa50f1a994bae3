/** The CSV writer against RFC 4180 §2 (its examples, and the rules they illustrate). */
import { describe, it, expect } from 'vitest';
import { csvField, recordsToRows, toCsv } from '../../src/report/csv.js';
import { parseCsv } from '../support/csv.js';

describe('CSV writer (RFC 4180)', () => {
  it('§2.1–2.3: records end in CRLF, the last one too; a header record comes first', () => {
    // RFC 4180 §2.1: "aaa,bbb,ccc CRLF zzz,yyy,xxx CRLF"; §2.3: "field_name,field_name,field_name CRLF"
    expect(toCsv(['field_name', 'field_name', 'field_name'], [['aaa', 'bbb', 'ccc'], ['zzz', 'yyy', 'xxx']])).toBe(
      'field_name,field_name,field_name\r\naaa,bbb,ccc\r\nzzz,yyy,xxx\r\n',
    );
  });

  it('§2.4–2.5: spaces are part of a field; fields without special characters are not quoted', () => {
    expect(csvField(' aaa ')).toBe(' aaa ');
    expect(csvField('aaa')).toBe('aaa');
  });

  it('§2.6: fields with line breaks (CRLF), double quotes or commas are enclosed in double quotes', () => {
    // RFC 4180 §2.6: "aaa","b CRLF bb","ccc"
    expect(toCsv(['a', 'b', 'c'], [['aaa', 'b\r\nbb', 'ccc']])).toBe('a,b,c\r\naaa,"b\r\nbb",ccc\r\n');
    expect(csvField('b\nbb')).toBe('"b\nbb"');
    expect(csvField('b\rbb')).toBe('"b\rbb"');
    expect(csvField('1,5')).toBe('"1,5"');
  });

  it('§2.7: a double quote inside a field is escaped by a second one', () => {
    // RFC 4180 §2.7: "aaa","b""bb","ccc"
    expect(toCsv(['a', 'b', 'c'], [['aaa', 'b"bb', 'ccc']])).toBe('a,b,c\r\naaa,"b""bb",ccc\r\n');
    expect(csvField('"')).toBe('""""');
    expect(csvField('{"qber":0.02}')).toBe('"{""qber"":0.02}"');
  });

  it('numbers in full precision, booleans as words, missing values empty', () => {
    expect(toCsv(['x', 'y', 'z', 'w', 'v'], [[0.1 + 0.2, 1e-9, true, null, Number.NaN], [3_570_028, -0, false, undefined, '']])).toBe(
      'x,y,z,w,v\r\n0.30000000000000004,1e-9,true,,\r\n3570028,0,false,,\r\n',
    );
  });

  it('parses back: every field survives a round trip through a minimal RFC 4180 reader', () => {
    const fields = ['plain', ' spaced ', 'a,b', 'say "hi"', 'two\r\nlines', '', '""', ',\r\n"'];
    const text = toCsv(fields.map((_, i) => `c${i}`), [fields]);
    const records = parseCsv(text);
    expect(records).toHaveLength(2);
    expect(records[1]).toEqual(fields);
  });

  it('refuses a row whose length differs from the header', () => {
    expect(() => toCsv(['a', 'b'], [['1']])).toThrow(/row 1 has 1 fields/);
  });

  it('recordsToRows picks the named keys in order', () => {
    expect(recordsToRows([{ a: 1, b: 'x', c: true }], ['c', 'a'])).toEqual([[true, 1]]);
  });
});
