import { Inject } from '@nestjs/common';
import { getWebcomQueueToken } from './get-webcom-queue-token.util.js';

/** Injects the `WebcomQueue` of `queueName`, or the default one. */
export const InjectWebcomQueue = (queueName?: string) => Inject(getWebcomQueueToken(queueName));
