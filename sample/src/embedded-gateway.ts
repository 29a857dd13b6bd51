import { Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { FakeWebcomServer } from 'nestjs-webcom/testing';

/**
 * The gateway emulator the sample runs on when no credentials are configured: nothing real is
 * sent and nothing is billed. It lives as long as the application.
 */
@Injectable()
export class EmbeddedWebcomGateway implements OnApplicationShutdown {
  private readonly logger = new Logger(EmbeddedWebcomGateway.name);
  private running?: FakeWebcomServer;

  /** The running emulator; tests use it to set the balance or make the gateway misbehave. */
  get server(): FakeWebcomServer {
    if (!this.running) throw new Error('The embedded Webcom gateway was not started');
    return this.running;
  }

  /** Starts the emulator on a free loopback port and resolves with its base URL. */
  async start(): Promise<string> {
    this.running = await FakeWebcomServer.start();
    this.logger.warn(
      'No Webcom credentials configured (WEBCOM_TOKEN, or WEBCOM_USER with WEBCOM_PASSWORD or ' +
        `WEBCOM_TOKEN_HASH): running on the embedded FakeWebcomServer at ${this.running.baseUrl}. ` +
        'No real message is sent.',
    );
    return this.running.baseUrl;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.running?.stop();
  }
}

@Module({ providers: [EmbeddedWebcomGateway], exports: [EmbeddedWebcomGateway] })
export class EmbeddedGatewayModule {}
