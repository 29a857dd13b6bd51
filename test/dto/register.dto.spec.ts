import 'reflect-metadata';
import { RegisterDto } from '../../lib/dto/register.dto.js';
import { validateDto } from '../../lib/dto/validate.js';
import { refusedFields } from '../support/refusal.js';

const fields = (value: unknown) => refusedFields(RegisterDto, value);

const COMMON = {
  login: 'newuser',
  password: 'secret',
  name: 'Иван Петров',
  city: 'Москва',
  phone: '79991234567',
  email: 'ivan@example.com',
};

/** The vendor's own example (§1.7.2): a legal entity. */
const LEGAL = {
  type: 'legal',
  login: 'user',
  password: 'password',
  name: 'Ivan',
  city: 'City',
  phone: '79537775522',
  email: 'registration@gmail.com',
  inn: '5551112223',
  legalAddress: 'Московская24',
  companyName: 'nameCompany',
};

const ENTREPRENEUR = {
  ...COMMON,
  type: 'entrepreneur',
  inn: '555111222333',
  legalAddress: 'г. Москва, ул. Ленина, 1',
  ogrnip: '304500116000157',
};

const INDIVIDUAL = {
  ...COMMON,
  type: 'individual',
  actualAddress: 'г. Москва, ул. Тверская, 7',
};

const without = (object: Record<string, unknown>, key: string) =>
  Object.fromEntries(Object.entries(object).filter(([k]) => k !== key));

describe('RegisterDto', () => {
  it.each([
    ['legal (the vendor example)', LEGAL],
    ['entrepreneur', ENTREPRENEUR],
    ['individual', INDIVIDUAL],
  ])('accepts a complete %s', (_, value) => {
    const dto = validateDto(RegisterDto, value);
    expect(dto).toBeInstanceOf(RegisterDto);
    expect(dto).toEqual(value);
  });

  it('turns the phone into international digits', () => {
    expect(validateDto(RegisterDto, { ...INDIVIDUAL, phone: '+7 (999) 123-45-67' }).phone).toBe(
      '79991234567',
    );
    expect(validateDto(RegisterDto, { ...INDIVIDUAL, phone: '8 999 123 45 67' }).phone).toBe(
      '79991234567',
    );
    expect(validateDto(RegisterDto, { ...INDIVIDUAL, phone: '+380 50 123 4567' }).phone).toBe(
      '380501234567',
    );
  });

  describe('legal entity: inn, legalAddress, companyName', () => {
    it.each(['inn', 'legalAddress', 'companyName'])('requires %s', (key) => {
      expect(fields(without(LEGAL, key))).toEqual([key]);
    });

    it('does not require ogrnip or actualAddress', () => {
      expect(validateDto(RegisterDto, LEGAL)).not.toHaveProperty('ogrnip');
    });

    it('companyName has at least 5 characters', () => {
      expect(validateDto(RegisterDto, { ...LEGAL, companyName: 'Ромаш' }).companyName).toBe(
        'Ромаш',
      );
      expect(fields({ ...LEGAL, companyName: 'Рома' })).toEqual(['companyName']);
    });
  });

  describe('entrepreneur: inn, legalAddress, ogrnip of 13–15 digits', () => {
    it.each(['inn', 'legalAddress', 'ogrnip'])('requires %s', (key) => {
      expect(fields(without(ENTREPRENEUR, key))).toEqual([key]);
    });

    it('does not require companyName', () => {
      expect(validateDto(RegisterDto, ENTREPRENEUR)).not.toHaveProperty('companyName');
    });

    it.each(['3045001160001', '30450011600015', '304500116000157'])(
      'ogrnip %j is fine',
      (ogrnip) => {
        expect(validateDto(RegisterDto, { ...ENTREPRENEUR, ogrnip }).ogrnip).toBe(ogrnip);
      },
    );

    it.each([
      '304500116000', // 12 digits
      '3045001160001571', // 16 digits
      '30450011600A157',
      '304 500 116 000 157',
      '',
      3045001160001,
    ])('ogrnip %j is refused', (ogrnip) => {
      expect(fields({ ...ENTREPRENEUR, ogrnip })).toEqual(['ogrnip']);
    });
  });

  describe('individual: actualAddress of at least 10 characters', () => {
    it('requires actualAddress', () => {
      expect(fields(without(INDIVIDUAL, 'actualAddress'))).toEqual(['actualAddress']);
    });

    it('at the bound', () => {
      expect(
        validateDto(RegisterDto, { ...INDIVIDUAL, actualAddress: 'Москва, 10' }).actualAddress,
      ).toBe('Москва, 10');
      expect(fields({ ...INDIVIDUAL, actualAddress: 'Москва, 1' })).toEqual(['actualAddress']);
    });

    it('does not require inn, legalAddress, companyName or ogrnip', () => {
      const dto = validateDto(RegisterDto, INDIVIDUAL);
      for (const key of ['inn', 'legalAddress', 'companyName', 'ogrnip']) {
        expect(dto).not.toHaveProperty(key);
      }
    });

    it('still checks those fields when they are given', () => {
      expect(fields({ ...INDIVIDUAL, inn: '123' })).toEqual(['inn']);
      expect(fields({ ...INDIVIDUAL, ogrnip: '1' })).toEqual(['ogrnip']);
      expect(fields({ ...INDIVIDUAL, companyName: 'ООО' })).toEqual(['companyName']);
      expect(fields({ ...INDIVIDUAL, legalAddress: 'short' })).toEqual(['legalAddress']);
    });
  });

  describe('inn: at least 10 digits', () => {
    it.each(['5551112223', '555111222333'])('%j is fine', (inn) => {
      expect(validateDto(RegisterDto, { ...LEGAL, inn }).inn).toBe(inn);
    });

    it.each(['555111222', '555111222a', '55511 12223', '', 5551112223])('%j is refused', (inn) => {
      expect(fields({ ...LEGAL, inn })).toEqual(['inn']);
    });
  });

  it('legalAddress has at least 10 characters', () => {
    expect(validateDto(RegisterDto, { ...LEGAL, legalAddress: 'Москва, 10' }).legalAddress).toBe(
      'Москва, 10',
    );
    expect(fields({ ...LEGAL, legalAddress: 'Москва, 1' })).toEqual(['legalAddress']);
    expect(fields({ ...ENTREPRENEUR, legalAddress: 'Москва, 1' })).toEqual(['legalAddress']);
  });

  describe('name: Cyrillic or Latin letters, at least 3, words joined by spaces or hyphens', () => {
    it.each([
      'Ivan',
      'Ian',
      'Ёжи',
      'Иван Петров',
      'Петров Иван Сергеевич',
      'Анна-Мария',
      'Jean-Luc Picard',
      'Алёна Ёлкина',
    ])('%j is fine', (name) => {
      expect(validateDto(RegisterDto, { ...INDIVIDUAL, name }).name).toBe(name);
    });

    it.each([
      'Ян', // 2 letters
      'Iv',
      '',
      'Ivan2',
      'Ivan  Petrov',
      ' Ivan',
      'Ivan ',
      'Ivan-',
      '-Ivan',
      "O'Brien",
      'Ivan_Petrov',
      'Ivan.',
      'Müller', // a letter outside the Russian and Latin alphabets
      'Ιωάννης',
      '李小龍',
      42,
    ])('%j is refused', (name) => {
      expect(fields({ ...INDIVIDUAL, name })).toEqual(['name']);
    });
  });

  it('city has at least 3 characters', () => {
    expect(validateDto(RegisterDto, { ...INDIVIDUAL, city: 'Уфа' }).city).toBe('Уфа');
    expect(fields({ ...INDIVIDUAL, city: 'Ст' })).toEqual(['city']);
    expect(fields({ ...INDIVIDUAL, city: 123 })).toEqual(['city']);
  });

  it.each(['registration@gmail.com', 'ivan.petrov+sms@example.co.uk'])(
    'email %j is fine',
    (email) => {
      expect(validateDto(RegisterDto, { ...INDIVIDUAL, email }).email).toBe(email);
    },
  );

  it.each(['not-an-email', 'ivan@', '@example.com', 'ivan@example', 'ivan example@x.ru', ''])(
    'email %j is refused',
    (email) => {
      expect(fields({ ...INDIVIDUAL, email })).toEqual(['email']);
    },
  );

  it.each(['abc', '12345', '', '12345678', 79991234567])('phone %j is refused', (phone) => {
    expect(fields({ ...INDIVIDUAL, phone })).toEqual(['phone']);
  });

  it.each([
    ['type', 'person'],
    ['type', 'le'],
    ['login', ''],
    ['login', 5],
    ['password', ''],
  ])('%s %j is refused', (key, value) => {
    expect(fields({ ...INDIVIDUAL, [key]: value })).toEqual([key]);
  });

  it.each(['type', 'login', 'password', 'name', 'city', 'phone', 'email'])(
    'every registrant needs %s',
    (key) => {
      expect(fields(without(INDIVIDUAL, key))).toContain(key);
    },
  );

  it('refuses unknown properties, wire names included', () => {
    expect(fields({ ...INDIVIDUAL, e_mail: 'ivan@example.com' })).toEqual(['e_mail']);
    expect(fields({ ...LEGAL, company_name: 'nameCompany' })).toEqual(['company_name']);
  });
});
