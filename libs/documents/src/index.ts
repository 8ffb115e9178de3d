export * from './errors';
export * from './extract';
export * from './edxml';
export * from './import';
export * from './summary';
