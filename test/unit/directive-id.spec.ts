import { directiveIdFor, uuidV5 } from '@cascade/temporal';

describe('directive ids', () => {
  it('are RFC 9562 version 5 UUIDs (the RFC namespace DNS vector)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('derive from the caller and the key: the same pair gives the same id, another caller or key another', () => {
    const id = directiveIdFor('user:1', 'key-12345678');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(directiveIdFor('user:1', 'key-12345678')).toBe(id);
    expect(directiveIdFor('user:2', 'key-12345678')).not.toBe(id);
    expect(directiveIdFor('user:1', 'key-12345679')).not.toBe(id);
  });
});
