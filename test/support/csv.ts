/** A minimal RFC 4180 reader (the ABNF of §2), for tests that check the CSV files Mozi writes. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let rec: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') field += text[i++];
    }
    rec.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(rec);
      rec = [];
      i += 2;
    } else throw new Error(`CSV: expected a comma or CRLF at offset ${i}`);
  }
  if (rec.length) throw new Error('CSV: last record not ended by CRLF');
  return records;
}
