import { WebcomService } from './webcom.service.js';

/**
 * The injection token of an account's `WebcomService`: the class itself for the default
 * (unnamed) account, a string for a named one. Use it with `moduleRef.get()` in tests.
 */
export function getWebcomToken(name?: string): string | typeof WebcomService {
  return name ? `WebcomService:${name}` : WebcomService;
}
