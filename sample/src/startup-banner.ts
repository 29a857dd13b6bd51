/** A request to try the running sample with. */
export interface ExampleRequest {
  title: string;
  method: 'GET' | 'POST';
  path: string;
  body?: object;
}

export const SEND_SMS_EXAMPLE: ExampleRequest = {
  title: 'Send an SMS',
  method: 'POST',
  path: '/messages/sms',
  body: { to: '+7 999 123-45-67', text: 'Hello from nestjs-webcom' },
};

export const BALANCE_EXAMPLE: ExampleRequest = {
  title: 'Read the balance',
  method: 'GET',
  path: '/balance',
};

export const HEALTH_EXAMPLE: ExampleRequest = {
  title: 'Check health',
  method: 'GET',
  path: '/health',
};

/** A shell-safe single-quoted string. */
const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

export function curlCommand(baseUrl: string, request: ExampleRequest): string {
  const parts = ['curl -s'];
  if (request.method !== 'GET') parts.push(`-X ${request.method}`);
  parts.push(`${baseUrl}${request.path}`);
  if (request.body) {
    parts.push(`-H 'Content-Type: application/json' -d ${quote(JSON.stringify(request.body))}`);
  }
  return parts.join(' ');
}

/** The lines logged once the sample listens: where it is and what to paste to try it. */
export function startupBanner(baseUrl: string): string[] {
  const send = curlCommand(baseUrl, SEND_SMS_EXAMPLE);
  // The first message id of the answer, without needing jq.
  const readId = `sed -E 's/.*"id":"([^"]+)".*/\\1/'`;
  return [
    `Sample listening on ${baseUrl}`,
    `Send every kind of message from a browser (Swagger UI): ${baseUrl}/docs`,
    `${SEND_SMS_EXAMPLE.title}:`,
    `  ${send}`,
    'Send an SMS, then read its status with the id it returns:',
    `  ID=$(${send} | ${readId}) && curl -s ${baseUrl}/messages/$ID/status`,
    `${BALANCE_EXAMPLE.title}:`,
    `  ${curlCommand(baseUrl, BALANCE_EXAMPLE)}`,
    `${HEALTH_EXAMPLE.title}:`,
    `  ${curlCommand(baseUrl, HEALTH_EXAMPLE)}`,
  ];
}
