export * from './document';
export * from './routing';
export * from './authority';
export * from './delegation';
export * from './attachment';
