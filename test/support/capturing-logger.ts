import type { LoggerService } from '@nestjs/common';

/** Captures every log line at every level, debug included: what a test scans for secrets. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...m: unknown[]) => this.lines.push(m.map(String).join(' '));
  error = this.log;
  warn = this.log;
  debug = this.log;
  verbose = this.log;
  fatal = this.log;
}
