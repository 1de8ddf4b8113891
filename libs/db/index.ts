export { watchDatabase } from './database-watch.ts';
export { isConnectionError, isUniqueViolation, translateDbError, type ConstraintErrors } from './db-errors.ts';
export { migrateServiceSchema, openServiceOrm, type ServiceMigration, type ServiceOrmOptions } from './orm.ts';
export { PreparedStatement } from './prepared-statement.ts';
export { withTransaction } from './transaction.ts';
export { isUuid, isUuidV7, uuidv7, uuidv7Timestamp } from './uuid.ts';
