/**
 * Finite domains of a context's fields. A model may declare them (on its
 * ModelInstance) so the compiled successor path packs each state into a few
 * bits per field instead of one integer per field: a ring index in 0..8
 * takes 4 bits. A value outside its declared domain is reported as a model
 * error naming the field, never silently wrapped.
 */
export type Domain =
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  | { readonly kind: 'oneOf'; readonly values: readonly (string | number | boolean | null)[] }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Domain>> }
  | { readonly kind: 'array'; readonly of: Domain; readonly length: number };

/** The domain of a whole context: an object of fields. */
export type ContextDomains = Readonly<Record<string, Domain>>;

export const domain = {
  int: (min: number, max: number): Domain => ({ kind: 'int', min, max }),
  oneOf: (...values: (string | number | boolean | null)[]): Domain => ({ kind: 'oneOf', values }),
  bool: { kind: 'oneOf', values: [false, true] } as Domain,
  object: (fields: Record<string, Domain>): Domain => ({ kind: 'object', fields }),
  array: (of: Domain, length: number): Domain => ({ kind: 'array', of, length }),
};
