import { Body, Controller, Get, Post } from '@nestjs/common';
import { RegisterDto, WebcomService, type Balance, type RegistrationResult } from 'nestjs-webcom';

@Controller()
export class AccountController {
  constructor(private readonly webcom: WebcomService) {}

  @Get('balance')
  getBalance(): Promise<Balance> {
    return this.webcom.getBalance();
  }

  /** Opens a new gateway account (PROTOCOL.md §4); the gateway's answer is passed on as is. */
  @Post('registrations')
  register(@Body() dto: RegisterDto): Promise<RegistrationResult> {
    return this.webcom.register(dto);
  }
}
