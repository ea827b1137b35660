// The Compare screen's address: `?ids=3,5,8`, checked before anything is asked of the app.

export type ParsedIds = { ok: true; ids: number[] } | { ok: false; message: string };

/** At most this many studies on one plot (the contract's limit). */
export const MAX_COMPARED = 20;

export function parseIds(text: string): ParsedIds {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const bad = parts.filter((p) => !/^[1-9]\d*$/.test(p));
  if (bad.length) return { ok: false, message: `The address names ${bad.map((b) => `"${b}"`).join(', ')}, which ${bad.length === 1 ? 'is not a study number' : 'are not study numbers'}.` };
  const ids = [...new Set(parts.map(Number))];
  if (ids.length > MAX_COMPARED) return { ok: false, message: `At most ${MAX_COMPARED} studies can be compared at once (${ids.length} were chosen).` };
  return { ok: true, ids };
}
