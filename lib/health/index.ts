// Decorator metadata must exist before the classes below are declared.
import 'reflect-metadata';
// Warns when another copy of the package (the other build, another version) is loaded too.
import '../util/single-copy.js';
export { WebcomHealthIndicator, type WebcomHealthOptions } from './webcom-health.indicator.js';
