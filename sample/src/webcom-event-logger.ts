import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { WebcomService, type WebcomEvent, type WebcomStatusEvent } from 'nestjs-webcom';

/**
 * What a status says of the outcome: final once the state can no longer change, else settled
 * once the outcome is known (`deliver`, which a Viber message may still follow with `read`).
 */
function outcome(event: WebcomStatusEvent): string {
  if (event.final) return ' (final)';
  return event.settled ? ' (settled)' : '';
}

/** Logs what the gateway client does, from its event stream (which carries no secret or text). */
@Injectable()
export class WebcomEventLogger implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('WebcomEvents');
  private subscription?: Subscription;

  constructor(private readonly webcom: WebcomService) {}

  onModuleInit(): void {
    this.subscription = this.webcom.events$.subscribe((event) => this.log(event));
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  private log(event: WebcomEvent): void {
    switch (event.type) {
      case 'sent': {
        const ids = event.messages.map((message) => message.id).join(', ');
        const balance = event.balance === undefined ? '' : `, balance ${event.balance}`;
        this.logger.log(`${event.channel}: sent to ${event.recipients}, ids ${ids}${balance}`);
        break;
      }
      case 'failed': {
        const unsure = event.possiblyDelivered ? ' (may have been delivered)' : '';
        this.logger.warn(`${event.operation} failed: ${event.error}: ${event.message}${unsure}`);
        break;
      }
      case 'status': {
        const from = event.previous ? `${event.previous} -> ` : '';
        this.logger.log(`message ${event.id}: ${from}${event.state}${outcome(event)}`);
        break;
      }
    }
  }
}
