export * from './entities';
export * from './migrations';
export * from './data-source';
export * from './database-admin';
export * from './database.module';
export * from './bootstrap-admin';
export * from './reporting';
