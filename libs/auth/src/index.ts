export * from './password';
export * from './tokens';
export * from './signing';
