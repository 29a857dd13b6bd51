import { Module } from '@nestjs/common';
import { WebcomModule } from 'nestjs-webcom';
import { OrderNotifications } from './order-notifications.js';

@Module({
  imports: [
    WebcomModule.forRootAsync({
      useFactory: () => ({ sandbox: true, senders: { sms: 'MyShop' } }),
    }),
  ],
  providers: [OrderNotifications],
})
export class AppModule {}
