import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { RegisterDto, WebcomService, type Balance, type RegistrationResult } from 'nestjs-webcom';
import { ApiSend, REQUEST_EXAMPLES } from './openapi.js';

@ApiTags('account')
@Controller()
export class AccountController {
  constructor(private readonly webcom: WebcomService) {}

  @Get('balance')
  @ApiOperation({ summary: 'Read the account balance' })
  getBalance(): Promise<Balance> {
    return this.webcom.getBalance();
  }

  /** Opens a new gateway account (docs/protocol.md §4); the gateway's answer is passed on as is. */
  @Post('registrations')
  @ApiSend('Open a new gateway account', RegisterDto, REQUEST_EXAMPLES.registrations)
  register(@Body() dto: RegisterDto): Promise<RegistrationResult> {
    return this.webcom.register(dto);
  }
}
