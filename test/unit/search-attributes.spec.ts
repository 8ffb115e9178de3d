import { SEARCH_ATTRIBUTE_KEYS } from '@cascade/contracts';
import { cliType } from '../../infra/scripts/search-attributes';

describe('search attributes for the Temporal CLI', () => {
  it.each([
    ['KEYWORD', 'Keyword'],
    ['KEYWORD_LIST', 'KeywordList'],
    ['DATETIME', 'Datetime'],
    ['TEXT', 'Text'],
  ])('%s is spelt %s', (type, spelt) => {
    expect(cliType(type)).toBe(spelt);
  });

  it('registers every key under the Cascade prefix, once', () => {
    const names = SEARCH_ATTRIBUTE_KEYS.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^Cascade[A-Z]/);
  });
});
