// The engines the routes call, behind a reference that configuration reloads can swap
// atomically: a request sees either the old injector or the new one, never a half-built one.
import type { Injector } from '../inject/index.js';

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
