import { Module } from '@nestjs/common';
import { WebcomModule } from 'nestjs-webcom';
import { OrderNotifications } from './order-notifications';

@Module({
  imports: [WebcomModule.forRoot({ sandbox: true, senders: { sms: 'MyShop' } })],
  providers: [OrderNotifications],
})
export class AppModule {}
