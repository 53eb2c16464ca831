import type { RequestName } from '../../shared/contract';
import type { Handler, Handlers } from './router';

/** Some of the contract's requests, as one feature answers them. */
export type FeatureHandlers<N extends RequestName> = { [K in N]: Handler<K> };

type Intersection<T> = (T extends unknown ? (part: T) => void : never) extends (part: infer I) => void ? I : never;

/**
 * The features' request handlers as one table. Two features that answer the same request are a
 * mistake a plain spread would hide (the last one silently wins): refused at start, naming it.
 * Whether every request is answered is the compiler's to check (`satisfies Handlers`).
 */
export function combineHandlers<Parts extends Partial<Handlers>[]>(...parts: Parts): Intersection<Parts[number]> {
  const combined: Partial<Record<string, unknown>> = {};
  for (const part of parts)
    for (const [name, handler] of Object.entries(part)) {
      if (Object.hasOwn(combined, name)) throw new Error(`Two features answer the request ${name}.`);
      combined[name] = handler;
    }
  return combined as Intersection<Parts[number]>;
}
