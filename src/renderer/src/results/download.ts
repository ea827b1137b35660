// Saving what the screen shows (a figure's PNG, a table's CSV) as a browser download; in the
// desktop window the same anchor download opens the save dialog.

/** Turns a name into a safe file name: letters, digits, dot, dash and underscore only. */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'study';
}

export function downloadUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export function downloadText(text: string, fileName: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  downloadUrl(url, fileName);
  // Revoked after the click has been handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves a drawn chart's PNG; '' when saved, else a readable reason (shown next to the button). */
export function downloadChartPng(chart: { toPng(): string } | null, fileName: string): string {
  try {
    if (!chart) throw new Error('The plot is not drawn yet.');
    downloadUrl(chart.toPng(), fileName);
    return '';
  } catch (err) {
    return `Could not save the PNG: ${err instanceof Error ? err.message : String(err)}`;
  }
}
