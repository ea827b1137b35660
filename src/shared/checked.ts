// Reads whose index is in range by construction (a loop bound, a length checked earlier), made
// explicit under strict indexed access: checked once, so a logic error fails loudly with the index
// instead of carrying `undefined` into arithmetic. Not for arrays that may hold undefined.

/** xs[i]; a RangeError if i is outside xs. */
export function at<T>(xs: ArrayLike<T>, i: number): T {
  const value = xs[i];
  if (value === undefined) throw new RangeError(`index ${i} is outside a list of ${xs.length}`);
  return value;
}

/** The first element; a RangeError for an empty list. */
export function first<T>(xs: ArrayLike<T>): T {
  return at(xs, 0);
}

/** The last element; a RangeError for an empty list. */
export function last<T>(xs: ArrayLike<T>): T {
  return at(xs, xs.length - 1);
}

/** map[key] for a key known to be present; an Error naming the key otherwise. */
export function required<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`no entry for ${String(key)}`);
  return value;
}

/** record[key] for a key known to be present; an Error naming the key otherwise. */
export function entry<V>(record: Readonly<Record<string, V>>, key: string): V {
  const value = record[key];
  if (value === undefined) throw new Error(`no entry ${JSON.stringify(key)}`);
  return value;
}
