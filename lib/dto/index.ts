// Gives every DTO the OpenAPI metadata @nestjs/swagger reads; swagger itself is not imported.
import './openapi.js';
export type {
  CascadeChannel,
  CascadeFallback,
  CascadeOn,
  CascadePrimary,
  ContentOn,
  FallbackOf,
  ResendOn,
  RichContent,
  RichImage,
  RichText,
  RichTextWithButton,
  SmsContent,
  VoiceNumber,
} from './channel-content.types.js';
export { ButtonDto, ChannelContentDto } from './content.dto.js';
export { RegisterDto, type RegistrantType } from './register.dto.js';
// Every send DTO, a new channel's included.
export * from './send.dto.js';
export { toFieldErrors } from './validate.js';
