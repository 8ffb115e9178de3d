export * from './layout';
export * from './font';
export * from './official-document';
export * from './pdf';
export * from './docx';
