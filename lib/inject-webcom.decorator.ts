import { Inject } from '@nestjs/common';
import { getWebcomToken } from './get-webcom-token.util.js';

/** Injects the `WebcomService` of the account `name`, or the default one. */
export const InjectWebcom = (name?: string) => Inject(getWebcomToken(name));
