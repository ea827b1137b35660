// Byte counts for people, in the decimal units the Hugging Face hub shows file sizes in, so a size
// read on a model page matches the one the app prints (CLI progress, the Models screen).

/** 1.5 GB, 312 MB, 4.1 kB, 12 B. */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}
