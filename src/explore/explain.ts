/**
 * A property's own account of its violation (`explain`), appended to a
 * verdict's message; shared by check and replay so both word it, and refuse
 * an explanation that throws, the same way.
 */
import { ModelDefinitionError } from '../errors/model-definition-error.js';
import { RxspecError } from '../errors/rxspec-error.js';
import type { ParamValues } from '../model/params.js';
import type { ModelState } from '../model/spec.js';

export function withExplanation(
  message: string,
  property: { readonly name: string; explain?(s: ModelState, p: ParamValues): string },
  state: () => ModelState,
  params: ParamValues,
): string {
  if (!property.explain) return message;
  try {
    return `${message}: ${property.explain(state(), params)}`;
  } catch (err) {
    if (err instanceof RxspecError) throw err;
    throw new ModelDefinitionError(`the explanation of '${property.name}' threw: ${(err as Error)?.message ?? String(err)}`, `make '${property.name}'.explain total over the states that violate it`);
  }
}
