/**
 * Names in one form for searching: lower case with German letters folded as people type them
 * (ü and Ü alike; SQLite's NOCASE folds only ASCII), and a second key with the last word first,
 * so that "Müller" finds "Anna Müller" as well as "Müller, Anna".
 */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('de-DE').replace(/\s+/g, ' ').trim();
}

/** The key with the last word first: "anna maria müller" → "müller anna maria". */
export function nameKeyLastFirst(name: string): string {
  const words = nameKey(name).replace(/,/g, ' ').split(' ').filter(Boolean);
  if (words.length < 2) return words.join(' ');
  return [words.at(-1)!, ...words.slice(0, -1)].join(' ');
}
