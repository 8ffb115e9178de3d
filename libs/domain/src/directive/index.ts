export * from './document';
export * from './routing';
export * from './authority';
