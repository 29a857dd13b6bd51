import type { TemplateChannel } from './verification.types.js';

/** Where a template puts the code. */
export const CODE_PLACEHOLDER = '{code}';

/** The texts sent when the options name none: Russian, the gateway's market. */
export const DEFAULT_TEMPLATES: Readonly<Record<TemplateChannel, string>> = {
  sms: 'Ваш код подтверждения: {code}. Никому его не сообщайте.',
  viber: 'Ваш код подтверждения: {code}. Никому его не сообщайте.',
  telegram: 'Ваш код подтверждения: {code}. Никому его не сообщайте.',
  whatsapp: 'Ваш код подтверждения: {code}. Никому его не сообщайте.',
  voice: 'Ваш код подтверждения: {code}. Повторяю: {code}.',
};

/**
 * The text of one step. A voice call speaks the code digit by digit (`4, 8, 2, 1`): read as a
 * number, a speech engine would say "four thousand eight hundred…".
 */
export function renderTemplate(template: string, channel: TemplateChannel, code: string): string {
  const spoken = channel === 'voice' ? [...code].join(', ') : code;
  return template.replaceAll(CODE_PLACEHOLDER, spoken);
}
