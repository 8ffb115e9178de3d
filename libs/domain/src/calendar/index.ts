export * from './lunar';
export * from './holidays';
export * from './vn-official';
export * from './schedule';
export * from './schedules';
