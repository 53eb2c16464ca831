/**
 * Saves text the way a browser saves a download: main writes the file's text (and audits the
 * export), the page only hands it to the user under main's file name.
 */
export function saveTextFile(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}
