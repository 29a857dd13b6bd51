// Gives every DTO the OpenAPI metadata @nestjs/swagger reads; swagger itself is not imported.
import './openapi.js';
export * from './content.dto.js';
export * from './register.dto.js';
export * from './send.dto.js';
export { isHttpUrl } from './rules.js';
export { toFieldErrors } from './validate.js';
