import { Injectable } from '@nestjs/common';
import { WebcomService } from 'nestjs-webcom';

@Injectable()
export class OrderNotifications {
  constructor(private readonly webcom: WebcomService) {}

  async shipped(phone: string, orderId: string): Promise<string | undefined> {
    const { messages } = await this.webcom.sendSms({
      to: phone,
      text: `Order ${orderId} has shipped`,
    });
    return messages[0]?.id;
  }
}
