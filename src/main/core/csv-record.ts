/**
 * RFC 4180 fields of one record (one line: the CSV read here never breaks a record over lines),
 * or null when its quotes are unbalanced. Our exports (merge) and whoami's CSV (team leads).
 */
export function parseCsvRecord(line: string, separator: string): string[] | null {
  const fields: string[] = [];
  let index = 0;
  while (index <= line.length) {
    if (line[index] === '"') {
      let value = '';
      index += 1;
      for (;;) {
        const quote = line.indexOf('"', index);
        if (quote < 0) return null;
        value += line.slice(index, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          index = quote + 2;
          continue;
        }
        index = quote + 1;
        break;
      }
      fields.push(value);
      if (index < line.length && line[index] !== separator) return null;
      index += 1;
    } else {
      const next = line.indexOf(separator, index);
      const end = next < 0 ? line.length : next;
      fields.push(line.slice(index, end));
      index = end + 1;
    }
  }
  return fields;
}
