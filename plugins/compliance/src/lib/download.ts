/**
 * Offers `text` as a file download named `name` (a CSV unless `type` says
 * otherwise). The object URL is released a second later, once the browser
 * has taken the file.
 */
export function saveTextFile(
  name: string,
  text: string,
  type = 'text/csv;charset=utf-8',
) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
