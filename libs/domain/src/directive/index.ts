export * from './document';
export * from './routing';
