// The engines the routes call, behind a reference that reloads can swap atomically: a request
// sees either the old injector (or validator) or the new one, never a half-built one.
import type { Injector } from '../inject/index.js';
import type { Validators } from '../validate/index.js';

export interface EngineRef<T> {
  get(): T;
  set(next: T): void;
}

export function engineRef<T>(initial: T): EngineRef<T> {
  let current = initial;
  return {
    get: () => current,
    set: (next) => {
      current = next;
    },
  };
}

export type InjectorRef = EngineRef<Injector>;
/** The validator; swapped when the cluster's CRDs change. */
export type ValidatorsRef = EngineRef<Validators>;
