import { Body, Controller, Get, NotFoundException, Optional, Param, Post } from '@nestjs/common';
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

/** What a send answers when queued sending is on: the jobs that will send it. */
export interface QueuedSend {
  jobIds: string[];
}

/**
 * One endpoint per channel; the bodies are the library's DTOs, checked by the global pipe. When
 * queued sending is configured, a send is enqueued (the answer lists its job ids) instead of
 * sent at once.
 */
@Controller('messages')
export class MessagesController {
  constructor(
    private readonly webcom: WebcomService,
    @Optional() private readonly queue?: WebcomQueue,
  ) {}

  @Post('sms')
  sendSms(@Body() dto: SendSmsDto) {
    return this.send('sms', dto, () => this.webcom.sendSms(dto));
  }

  @Post('viber')
  sendViber(@Body() dto: SendViberDto) {
    return this.send('viber', dto, () => this.webcom.sendViber(dto));
  }

  @Post('voice')
  sendVoice(@Body() dto: SendVoiceDto) {
    return this.send('voice', dto, () => this.webcom.sendVoice(dto));
  }

  @Post('cascade')
  sendCascade(@Body() dto: SendCascadeDto) {
    return this.send('cascade', dto, () => this.webcom.sendCascade(dto));
  }

  @Post('flashcall')
  sendFlashcall(@Body() dto: SendFlashcallDto) {
    return this.send('flashcall', dto, () => this.webcom.sendFlashcall(dto));
  }

  @Post('telegram')
  sendTelegram(@Body() dto: SendTelegramDto) {
    return this.send('telegram', dto, () => this.webcom.sendTelegram(dto));
  }

  @Post('whatsapp')
  sendWhatsapp(@Body() dto: SendWhatsappDto) {
    return this.send('whatsapp', dto, () => this.webcom.sendWhatsapp(dto));
  }

  /** The service checks the id itself: a malformed one is a 400 like any invalid field. */
  @Get(':id/status')
  getStatus(@Param('id') id: string): Promise<MessageStatus> {
    return this.webcom.getStatus(id);
  }

  /** A queued send's job: its state, and once completed the gateway's answer. */
  @Get('jobs/:id')
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
