import { Body, Controller, Post, type INestApplication, type Type } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { getMetadataStorage } from 'class-validator';
import {
  ButtonDto,
  ChannelContentDto,
  RegisterDto,
  SendCascadeDto,
  SendFlashcallDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
} from '../../lib/index.js';

/** An app's controller with every DTO of the library as a request body. */
@Controller()
class EveryDtoController {
  @Post('sms') sms(@Body() dto: SendSmsDto) {
    return dto;
  }
  @Post('viber') viber(@Body() dto: SendViberDto) {
    return dto;
  }
  @Post('telegram') telegram(@Body() dto: SendTelegramDto) {
    return dto;
  }
  @Post('whatsapp') whatsapp(@Body() dto: SendWhatsappDto) {
    return dto;
  }
  @Post('voice') voice(@Body() dto: SendVoiceDto) {
    return dto;
  }
  @Post('flashcall') flashcall(@Body() dto: SendFlashcallDto) {
    return dto;
  }
  @Post('cascade') cascade(@Body() dto: SendCascadeDto) {
    return dto;
  }
  @Post('registrations') register(@Body() dto: RegisterDto) {
    return dto;
  }
}

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: string[];
  oneOf?: Schema[];
  allOf?: Schema[];
  items?: Schema;
  $ref?: string;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  minItems?: number;
  description?: string;
}

const DTOS: Type[] = [
  SendSmsDto,
  SendViberDto,
  SendTelegramDto,
  SendWhatsappDto,
  SendVoiceDto,
  SendFlashcallDto,
  SendCascadeDto,
  RegisterDto,
  ButtonDto,
  ChannelContentDto,
];

/** The properties class-validator checks on `dto`, inherited ones included. */
function validatedProperties(dto: Type): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  return [...new Set(metadata.map((m) => m.propertyName))].sort();
}

describe('OpenAPI metadata of the DTOs', () => {
  let app: INestApplication;
  let document: OpenAPIObject;
  const schema = (dto: Type) => document.components!.schemas![dto.name] as Schema;
  const property = (dto: Type, name: string) => schema(dto).properties![name];
  /** A nested DTO's reference, written as swagger writes it (`allOf` when it has a description). */
  const refOf = (s: Schema) => s.$ref ?? s.allOf?.[0]?.$ref;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [EveryDtoController],
    }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
    document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  });
  afterAll(() => app.close());

  it.each(DTOS.map((dto) => [dto.name, dto] as const))(
    '%s has a schema with every field the validation knows, each typed',
    (_, dto) => {
      const { properties = {} } = schema(dto);
      expect(Object.keys(properties).sort()).toEqual(validatedProperties(dto));
      for (const [name, field] of Object.entries(properties)) {
        const typed = field.type ?? field.enum ?? field.oneOf ?? refOf(field);
        expect([name, typed]).toEqual([name, expect.anything()]);
      }
    },
  );

  it('leaves no exported DTO class without metadata for each field it validates', async () => {
    const exported = Object.entries(await import('../../lib/index.js')).filter(
      ([, value]) => typeof value === 'function' && validatedProperties(value as Type).length > 0,
    );
    expect(exported.map(([name]) => name)).toEqual(
      expect.arrayContaining(DTOS.map((dto) => dto.name)),
    );
    for (const [name, dto] of exported) {
      const factory = Object.getOwnPropertyDescriptor(dto, '_OPENAPI_METADATA_FACTORY')?.value as
        (() => Record<string, unknown>) | undefined;
      expect([name, typeof factory]).toEqual([name, 'function']);
      expect([name, Object.keys(factory!()).sort()]).toEqual([
        name,
        validatedProperties(dto as Type),
      ]);
    }
  });

  it('uses every DTO as a request body by reference', () => {
    for (const [path, dto] of [
      ['/sms', SendSmsDto],
      ['/cascade', SendCascadeDto],
      ['/registrations', RegisterDto],
    ] as const) {
      const body = document.paths[path].post!.requestBody as {
        content: Record<string, { schema: Schema }>;
      };
      expect(body.content['application/json'].schema.$ref).toBe(`#/components/schemas/${dto.name}`);
    }
  });

  it('marks required what the validation requires', () => {
    expect(schema(SendSmsDto).required?.sort()).toEqual(['text', 'to']);
    for (const dto of [SendViberDto, SendTelegramDto, SendWhatsappDto, SendVoiceDto]) {
      expect(schema(dto).required).toEqual(['to']);
    }
    expect(schema(SendFlashcallDto).required).toEqual(['to']);
    expect(schema(SendCascadeDto).required?.sort()).toEqual(['fallback', 'primary', 'to']);
    expect(schema(ButtonDto).required?.sort()).toEqual(['text', 'url']);
    expect(schema(ChannelContentDto).required).toEqual(['channel']);
    expect(schema(RegisterDto).required?.sort()).toEqual(
      ['city', 'email', 'login', 'name', 'password', 'phone', 'type'].sort(),
    );
  });

  it('types "to" as one phone number or a non-empty array of them', () => {
    for (const dto of [SendSmsDto, SendVoiceDto, SendFlashcallDto, SendCascadeDto]) {
      expect(property(dto, 'to').oneOf).toEqual([
        expect.objectContaining({ type: 'string' }),
        expect.objectContaining({ type: 'array', items: { type: 'string' }, minItems: 1 }),
      ]);
    }
  });

  it('gives the enums of channel and type', () => {
    expect(property(ChannelContentDto, 'channel')).toMatchObject({
      type: 'string',
      enum: ['sms', 'viber', 'telegram', 'whatsapp'],
    });
    expect(property(RegisterDto, 'type')).toMatchObject({
      type: 'string',
      enum: ['legal', 'entrepreneur', 'individual'],
    });
  });

  it('gives the ranges of the voice settings', () => {
    expect(property(SendVoiceDto, 'waitSeconds')).toMatchObject({
      type: 'integer',
      minimum: 10,
      maximum: 35,
    });
    expect(property(SendVoiceDto, 'retryIntervalSeconds')).toMatchObject({
      type: 'integer',
      minimum: 10,
      maximum: 3600,
    });
    expect(property(SendVoiceDto, 'attempts')).toMatchObject({ minimum: 1, maximum: 9 });
    expect(property(SendVoiceDto, 'voice')).toMatchObject({ minimum: 1, maximum: 8 });
    expect(property(SendVoiceDto, 'ivr')).toMatchObject({ type: 'boolean' });
  });

  it('refers nested content to its own schema', () => {
    for (const dto of [SendViberDto, SendTelegramDto, SendWhatsappDto, ChannelContentDto]) {
      expect(refOf(property(dto, 'button'))).toBe('#/components/schemas/ButtonDto');
    }
    for (const dto of [SendSmsDto, SendViberDto, SendVoiceDto]) {
      expect(refOf(property(dto, 'fallback'))).toBe('#/components/schemas/ChannelContentDto');
    }
    expect(refOf(property(SendCascadeDto, 'primary'))).toBe(
      '#/components/schemas/ChannelContentDto',
    );
  });

  it('gives strings, URLs and formats', () => {
    expect(property(SendSmsDto, 'text')).toMatchObject({ type: 'string', minLength: 1 });
    expect(property(ButtonDto, 'url')).toMatchObject({ type: 'string', format: 'uri' });
    expect(property(SendViberDto, 'imageUrl')).toMatchObject({ type: 'string', format: 'uri' });
    expect(property(SendVoiceDto, 'audioUrl')).toMatchObject({ type: 'string', format: 'uri' });
    expect(property(SendSmsDto, 'validUntil')).toMatchObject({
      type: 'string',
      pattern: expect.any(String),
    });
    expect(property(RegisterDto, 'email')).toMatchObject({ type: 'string', format: 'email' });
    expect(property(RegisterDto, 'password')).toMatchObject({ format: 'password' });
  });

  it("lists each channel's own fallbacks in its description", () => {
    expect(property(SendSmsDto, 'fallback').description).toContain('sms, viber');
    expect(property(SendViberDto, 'fallback').description).toContain('viber, sms');
  });
});
