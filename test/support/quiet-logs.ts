import { Logger } from '@nestjs/common';

// Keep test output readable; suites that assert on logs install their own logger.
Logger.overrideLogger(['error']);
