export * from './content.dto.js';
export * from './register.dto.js';
export * from './send.dto.js';
export { isHttpUrl } from './rules.js';
export { toFieldErrors } from './validate.js';
