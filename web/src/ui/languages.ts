// Languages offered in the picker, and level names. The service accepts any ISO 639-1 code;
// the built-in topic catalogue covers the first five.

import type { CefrLevel } from '../protocol';

export interface Language {
  code: string;
  name: string;
  native: string;
}

export const LANGUAGES: Language[] = [
  { code: 'en', name: 'English', native: 'English' },
  { code: 'es', name: 'Spanish', native: 'Español' },
  { code: 'fr', name: 'French', native: 'Français' },
  { code: 'de', name: 'German', native: 'Deutsch' },
  { code: 'it', name: 'Italian', native: 'Italiano' },
  { code: 'pt-BR', name: 'Portuguese (Brazil)', native: 'Português (Brasil)' },
  { code: 'ja', name: 'Japanese', native: '日本語' },
];

export function languageName(code: string): string {
  const l = LANGUAGES.find((x) => x.code.toLowerCase() === code.toLowerCase());
  return l ? l.name : code;
}

export const LEVEL_NAMES: Record<CefrLevel, string> = {
  A1: 'Beginner',
  A2: 'Elementary',
  B1: 'Intermediate',
  B2: 'Upper intermediate',
  C1: 'Advanced',
  C2: 'Proficient',
};
