export { ButtonDto, ChannelContentDto } from './content.dto.js';
export { RegisterDto, type RegistrantType } from './register.dto.js';
export {
  SendCascadeDto,
  SendFlashcallDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
} from './send.dto.js';
export { toFieldErrors } from './validate.js';
