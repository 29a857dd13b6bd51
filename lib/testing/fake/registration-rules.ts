import { REGISTRANT_NAME } from '../../protocol/registrant-name.js';

type Query = Record<string, string>;

const E_MAIL = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const PHONE = /^\d{10,15}$/;
const INN = /^\d{10,}$/;
const OGRNIP = /^\d{13,15}$/;

/** Counts characters, not UTF-16 units, so Cyrillic and emoji count once. */
function length(value: string | undefined): number {
  return value === undefined ? 0 : [...value.trim()].length;
}

function atLeast(query: Query, name: string, min: number, problems: string[]): void {
  if (length(query[name]) < min) problems.push(`${name}: at least ${min} characters`);
}

function matches(
  query: Query,
  name: string,
  pattern: RegExp,
  rule: string,
  problems: string[],
): void {
  if (!pattern.test(query[name] ?? '')) problems.push(`${name}: ${rule}`);
}

/**
 * Checks a registration request against docs/protocol.md §4 and lists what is wrong, one
 * `field: rule` line per problem; empty when the request is valid.
 */
export function checkRegistration(query: Query, individualCode: string): string[] {
  const problems: string[] = [];
  if (query.registration !== '1') problems.push('registration: must be 1');
  for (const name of ['login', 'password']) {
    if (length(query[name]) === 0) problems.push(`${name}: required`);
  }
  const name = query.name ?? '';
  if (length(name) < 3 || !REGISTRANT_NAME.test(name)) {
    problems.push('name: at least 3 characters, Russian or Latin letters only');
  }
  atLeast(query, 'city', 3, problems);
  matches(query, 'phone', PHONE, '10 to 15 digits', problems);
  matches(query, 'e_mail', E_MAIL, 'a valid e-mail address', problems);

  switch (query.businessman) {
    case 'le':
      matches(query, 'inn', INN, 'at least 10 digits', problems);
      atLeast(query, 'juridical_address', 10, problems);
      atLeast(query, 'company_name', 5, problems);
      break;
    case 'ip':
      matches(query, 'inn', INN, 'at least 10 digits', problems);
      atLeast(query, 'juridical_address', 10, problems);
      matches(query, 'ogrnip', OGRNIP, '13 to 15 digits', problems);
      break;
    case individualCode:
      atLeast(query, 'address_facto', 10, problems);
      break;
    default:
      problems.push(`businessman: one of le, ip, ${individualCode}`);
  }
  return problems;
}
