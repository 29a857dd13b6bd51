// Decorator metadata must exist before the classes below are declared.
import 'reflect-metadata';
export { WebcomHealthIndicator, type WebcomHealthOptions } from './webcom-health.indicator.js';
