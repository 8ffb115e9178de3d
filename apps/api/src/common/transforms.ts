import { normalizeText } from '@cascade/domain';

/** class-transformer functions shared by the DTOs: text arrives in NFD, with tabs and odd spaces; e-mails in any case. */
export const normalize = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? normalizeText(value) : value;

export const normalizeList = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? normalizeText(v) : v)) : value;

export const lowerCase = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;
