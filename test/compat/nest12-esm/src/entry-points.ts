// Every entry point resolves, with its types, under this app's module resolution.
export type { WebcomModuleOptions, WebcomService } from 'nestjs-webcom';
export type { WebcomHealthIndicator } from 'nestjs-webcom/health';
export type { WebcomQueue } from 'nestjs-webcom/queue';
export type { WebcomQueueHealthIndicator } from 'nestjs-webcom/queue/health';
export type { WebcomTestingController } from 'nestjs-webcom/testing';
export type { WebcomVerificationService } from 'nestjs-webcom/verification';
