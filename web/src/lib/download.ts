/**
 * The file name a Content-Disposition header gives (RFC 6266): `filename*=UTF-8''…` before `filename=`,
 * without any directory part. Null when the header names none.
 */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  let name: string | null = null;
  const extended = /filename\*\s*=\s*([\w!#$&+.^`|~-]+)'[^']*'([^;\s]+)/i.exec(header);
  if (extended) {
    try {
      name = /^utf-8$/i.test(extended[1]) ? decodeURIComponent(extended[2]) : unescape(extended[2]);
    } catch {
      name = null;
    }
  }
  if (!name) {
    const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
    if (plain) name = plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2];
  }
  name = name?.split(/[/\\]/).pop()?.trim() ?? null;
  return name && name !== '.' && name !== '..' ? name : null;
}

/** Hands a downloaded file to the browser under a name. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
