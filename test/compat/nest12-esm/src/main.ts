import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { OrderNotifications } from './order-notifications.js';

/** Boots the app on the sandbox and sends one SMS: the line it prints is what CI checks. */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['warn', 'error'] });
  const id = await app.get(OrderNotifications).shipped('+7 999 123-45-67', '1042');
  console.log(`compat: sent SMS ${id}`);
  await app.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
