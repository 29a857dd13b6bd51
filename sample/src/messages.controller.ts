import { Body, Controller, Get, NotFoundException, Optional, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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
import {
  WebcomQueue,
  type WebcomJobReport,
  type WebcomQueueChannel,
  type WebcomQueueDtos,
} from 'nestjs-webcom/queue';
import { ApiSend, REQUEST_EXAMPLES } from './openapi.js';

/** What a send answers when queued sending is on: the jobs that will send it. */
export interface QueuedSend {
  jobIds: string[];
}

/**
 * One endpoint per channel; the bodies are the library's DTOs, checked by the global pipe. When
 * queued sending is configured, a send is enqueued (the answer lists its job ids) instead of
 * sent at once.
 */
@ApiTags('messages')
@Controller('messages')
export class MessagesController {
  constructor(
    private readonly webcom: WebcomService,
    @Optional() private readonly queue?: WebcomQueue,
  ) {}

  @Post('sms')
  @ApiSend('Send an SMS', SendSmsDto, REQUEST_EXAMPLES.sms)
  sendSms(@Body() dto: SendSmsDto) {
    return this.send('sms', dto, () => this.webcom.sendSms(dto));
  }

  @Post('viber')
  @ApiSend('Send a Viber message', SendViberDto, REQUEST_EXAMPLES.viber)
  sendViber(@Body() dto: SendViberDto) {
    return this.send('viber', dto, () => this.webcom.sendViber(dto));
  }

  @Post('voice')
  @ApiSend('Make a voice call', SendVoiceDto, REQUEST_EXAMPLES.voice)
  sendVoice(@Body() dto: SendVoiceDto) {
    return this.send('voice', dto, () => this.webcom.sendVoice(dto));
  }

  @Post('cascade')
  @ApiSend('Send a cascade: one channel, then another', SendCascadeDto, REQUEST_EXAMPLES.cascade)
  sendCascade(@Body() dto: SendCascadeDto) {
    return this.send('cascade', dto, () => this.webcom.sendCascade(dto));
  }

  @Post('flashcall')
  @ApiSend('Make a flashcall', SendFlashcallDto, REQUEST_EXAMPLES.flashcall)
  sendFlashcall(@Body() dto: SendFlashcallDto) {
    return this.send('flashcall', dto, () => this.webcom.sendFlashcall(dto));
  }

  @Post('telegram')
  @ApiSend('Send a Telegram message', SendTelegramDto, REQUEST_EXAMPLES.telegram)
  sendTelegram(@Body() dto: SendTelegramDto) {
    return this.send('telegram', dto, () => this.webcom.sendTelegram(dto));
  }

  @Post('whatsapp')
  @ApiSend('Send a WhatsApp message', SendWhatsappDto, REQUEST_EXAMPLES.whatsapp)
  sendWhatsapp(@Body() dto: SendWhatsappDto) {
    return this.send('whatsapp', dto, () => this.webcom.sendWhatsapp(dto));
  }

  /** The service checks the id itself: a malformed one is a 400 like any invalid field. */
  @Get(':id/status')
  @ApiOperation({ summary: "Read a message's delivery status by the id a send answered" })
  getStatus(@Param('id') id: string): Promise<MessageStatus> {
    return this.webcom.getStatus(id);
  }

  /** A queued send's job: its state, and once completed the gateway's answer. */
  @Get('jobs/:id')
  @ApiOperation({ summary: "A queued send's job (with queued sending on)" })
  async getJob(@Param('id') id: string): Promise<WebcomJobReport> {
    const job = await this.queue?.getJob(id);
    if (!job) throw new NotFoundException(`No queued job ${id}`);
    return job;
  }

  private async send<C extends WebcomQueueChannel>(
    channel: C,
    dto: WebcomQueueDtos[C],
    sendNow: () => Promise<SendResult>,
  ): Promise<SendResult | QueuedSend> {
    if (!this.queue) return sendNow();
    return { jobIds: await this.queue.enqueue(channel, dto) };
  }
}
