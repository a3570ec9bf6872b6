/** A nominal type: a `string` that only its parser may produce. */
export type Brand<T, Name extends string> = T & { readonly __brand: Name };
