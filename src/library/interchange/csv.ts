/** Splitting CSV text into records (RFC 4180), never throwing on a bad record. */
/** One record of a CSV file, with the line it starts on (1-based) for messages; `error` when it is malformed. */
export interface CsvRecord {
  line: number;
  fields: string[];
  error?: string;
}

/**
 * RFC 4180 CSV: fields separated by commas, records by CRLF or LF; a field in double quotes may hold commas,
 * line breaks and doubled quotes (""). A malformed record (text after a closing quote, a quote never closed)
 * is returned with an error instead of throwing, so one bad row cannot stop an import. Blank lines are
 * skipped. A UTF-8 byte order mark is dropped.
 */
export function* parseCsv(text: string): Generator<CsvRecord> {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let i = 0;
  let line = 1;
  while (i < input.length) {
    const startLine = line;
    const fields: string[] = [];
    let error: string | undefined;
    // One record: fields until an unquoted line break or the end.
    for (;;) {
      let field = '';
      if (input[i] === '"') {
        i++;
        let closed = false;
        while (i < input.length) {
          const ch = input[i]!;
          if (ch === '"') {
            if (input[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        if (!closed) error ??= 'a quoted field is never closed';
        else if (i < input.length && input[i] !== ',' && input[i] !== '\n' && input[i] !== '\r') {
          error ??= `unexpected text after the closing quote of field ${fields.length + 1}`;
          while (i < input.length && input[i] !== ',' && input[i] !== '\n' && input[i] !== '\r') field += input[i++];
        }
      } else {
        while (i < input.length && input[i] !== ',' && input[i] !== '\n' && input[i] !== '\r') field += input[i++];
      }
      fields.push(field);
      if (input[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (input[i] === '\r') i++;
    if (input[i] === '\n') i++;
    line++;
    if (fields.length === 1 && fields[0] === '' && !error) continue; // a blank line
    yield error ? { line: startLine, fields, error } : { line: startLine, fields };
  }
}
