export * from './errors';
export * from './extract';
export * from './edxml';
export * from './parse';
export * from './import';
export * from './summary';
export * from './official';
