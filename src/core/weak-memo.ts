/**
 * One value per key object, made on first use and kept while the key lives (a WeakMap): the LDPC
 * decoders keep one WebAssembly kernel instance holding its code per code object.
 */
export function weakMemo<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key: K): V => {
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = make(key)));
    return v;
  };
}
