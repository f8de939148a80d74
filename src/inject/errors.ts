// The closed set of errors the injection core raises. A configuration error is thrown while
// building settings (the shell reports it and exits or keeps the previous injector); a denial
// is raised inside one request and becomes a `deny` outcome with a stable reason code.
import type { DenyReason } from './types.js';

/** Settings that cannot be used; the message names the setting (`values.global.hub`, `template "x"`). */
export class InjectorConfigError extends Error {
  override readonly name = 'InjectorConfigError';
  constructor(
    /** Dotted name of the offending setting. */
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
  }
}

/** A Pod the injector refuses; `reason` is the failure metrics label. */
export class InjectionDenied extends Error {
  override readonly name = 'InjectionDenied';
  constructor(
    readonly reason: DenyReason,
    message: string,
  ) {
    super(message);
  }
}
