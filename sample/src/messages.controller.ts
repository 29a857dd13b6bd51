import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import {
  SendCascadeDto,
  SendFlashcallDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
  WebcomService,
  type MessageStatus,
  type SendResult,
} from 'nestjs-webcom';

/** One endpoint per channel; the bodies are the library's DTOs, checked by the global pipe. */
@Controller('messages')
export class MessagesController {
  constructor(private readonly webcom: WebcomService) {}

  @Post('sms')
  sendSms(@Body() dto: SendSmsDto): Promise<SendResult> {
    return this.webcom.sendSms(dto);
  }

  @Post('viber')
  sendViber(@Body() dto: SendViberDto): Promise<SendResult> {
    return this.webcom.sendViber(dto);
  }

  @Post('voice')
  sendVoice(@Body() dto: SendVoiceDto): Promise<SendResult> {
    return this.webcom.sendVoice(dto);
  }

  @Post('cascade')
  sendCascade(@Body() dto: SendCascadeDto): Promise<SendResult> {
    return this.webcom.sendCascade(dto);
  }

  @Post('flashcall')
  sendFlashcall(@Body() dto: SendFlashcallDto): Promise<SendResult> {
    return this.webcom.sendFlashcall(dto);
  }

  @Post('telegram')
  sendTelegram(@Body() dto: SendTelegramDto): Promise<SendResult> {
    return this.webcom.sendTelegram(dto);
  }

  @Post('whatsapp')
  sendWhatsapp(@Body() dto: SendWhatsappDto): Promise<SendResult> {
    return this.webcom.sendWhatsapp(dto);
  }

  /** The service checks the id itself: a malformed one is a 400 like any invalid field. */
  @Get(':id/status')
  getStatus(@Param('id') id: string): Promise<MessageStatus> {
    return this.webcom.getStatus(id);
  }
}
