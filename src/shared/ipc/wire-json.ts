// JSON for the bridge's wire: like JSON, except that non-finite numbers (NaN, ±Infinity, which a
// metric may legitimately be) survive the trip as they do through Electron's structured clone,
// encoded as {"$num":"NaN"} instead of becoming null.

const MARK = '$num';

export function encodeWireJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { [MARK]: String(v) } : v));
}

export function decodeWireJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const mark = (v as Record<string, unknown>)[MARK];
      if (keys.length === 1 && typeof mark === 'string') return Number(mark);
    }
    return v;
  });
}
