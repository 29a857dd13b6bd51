import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { setupOpenApi } from './openapi.js';
import { DEFAULT_PORT, readNumber } from './settings.js';
import { startupBanner } from './startup-banner.js';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // Ctrl+C closes the module: in-flight requests end first.
  app.enableShutdownHooks();
  setupOpenApi(app);
  const port = readNumber(app.get(ConfigService), 'PORT') ?? DEFAULT_PORT;
  await app.listen(port);
  const logger = new Logger('Sample');
  for (const line of startupBanner(`http://localhost:${port}`)) logger.log(line);
}

await bootstrap();
