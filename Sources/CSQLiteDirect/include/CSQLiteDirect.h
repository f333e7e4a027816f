// The few functions of SQLite's C API that Akinai's own SQLite connections use (see SQLiteThread.swift), declared
// against the SQLite that SQLiteNIO compiles into the program under the `sqlite_nio_` prefix. Declaring them
// here, rather than linking a second SQLite, keeps one copy of the library in the process: two copies open on
// one database file would not see each other's POSIX locks and could corrupt it.
#ifndef AKINAI_CSQLITEDIRECT_H
#define AKINAI_CSQLITEDIRECT_H

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

#define AKINAI_SQLITE_OK 0
#define AKINAI_SQLITE_ROW 100
#define AKINAI_SQLITE_DONE 101
#define AKINAI_SQLITE_INTEGER 1
#define AKINAI_SQLITE_FLOAT 2
#define AKINAI_SQLITE_TEXT 3
#define AKINAI_SQLITE_BLOB 4
#define AKINAI_SQLITE_NULL 5
#define AKINAI_SQLITE_OPEN_READONLY 0x00000001
#define AKINAI_SQLITE_OPEN_READWRITE 0x00000002
#define AKINAI_SQLITE_OPEN_CREATE 0x00000004
#define AKINAI_SQLITE_OPEN_NOMUTEX 0x00008000
#define AKINAI_SQLITE_OPEN_EXRESCODE 0x02000000
#define AKINAI_SQLITE_PREPARE_PERSISTENT 0x01

int sqlite_nio_sqlite3_open_v2(const char *filename, sqlite3 **ppDb, int flags, const char *zVfs);
int sqlite_nio_sqlite3_close_v2(sqlite3 *db);
int sqlite_nio_sqlite3_busy_timeout(sqlite3 *db, int ms);
int sqlite_nio_sqlite3_exec(sqlite3 *db, const char *sql, int (*callback)(void *, int, char **, char **), void *arg,
                            char **errmsg);
int sqlite_nio_sqlite3_prepare_v3(sqlite3 *db, const char *zSql, int nByte, unsigned int prepFlags,
                                  sqlite3_stmt **ppStmt, const char **pzTail);
int sqlite_nio_sqlite3_bind_int64(sqlite3_stmt *stmt, int index, long long value);
int sqlite_nio_sqlite3_bind_double(sqlite3_stmt *stmt, int index, double value);
int sqlite_nio_sqlite3_bind_text(sqlite3_stmt *stmt, int index, const char *value, int bytes, void (*destructor)(void *));
int sqlite_nio_sqlite3_bind_blob(sqlite3_stmt *stmt, int index, const void *value, int bytes, void (*destructor)(void *));
int sqlite_nio_sqlite3_bind_null(sqlite3_stmt *stmt, int index);
int sqlite_nio_sqlite3_step(sqlite3_stmt *stmt);
int sqlite_nio_sqlite3_reset(sqlite3_stmt *stmt);
int sqlite_nio_sqlite3_clear_bindings(sqlite3_stmt *stmt);
int sqlite_nio_sqlite3_finalize(sqlite3_stmt *stmt);
int sqlite_nio_sqlite3_column_count(sqlite3_stmt *stmt);
const char *sqlite_nio_sqlite3_column_name(sqlite3_stmt *stmt, int column);
int sqlite_nio_sqlite3_column_type(sqlite3_stmt *stmt, int column);
long long sqlite_nio_sqlite3_column_int64(sqlite3_stmt *stmt, int column);
double sqlite_nio_sqlite3_column_double(sqlite3_stmt *stmt, int column);
const unsigned char *sqlite_nio_sqlite3_column_text(sqlite3_stmt *stmt, int column);
const void *sqlite_nio_sqlite3_column_blob(sqlite3_stmt *stmt, int column);
int sqlite_nio_sqlite3_column_bytes(sqlite3_stmt *stmt, int column);
const char *sqlite_nio_sqlite3_errmsg(sqlite3 *db);
int sqlite_nio_sqlite3_extended_errcode(sqlite3 *db);
int sqlite_nio_sqlite3_get_autocommit(sqlite3 *db);
int sqlite_nio_sqlite3_db_config(sqlite3 *db, int op, ...);

/// Turns on the query planner stability guarantee (SQLITE_DBCONFIG_ENABLE_QPSG): a plan never depends on the
/// values bound, so a cached prepared statement is not prepared again each time it is bound anew.
static inline int akinai_sqlite_enable_qpsg(sqlite3 *db) {
    return sqlite_nio_sqlite3_db_config(db, 1007, 1, (int *)0);
}

/// Binds text or a blob that SQLite copies at once (SQLITE_TRANSIENT), so Swift's buffer may go right after.
static inline int akinai_sqlite_bind_text(sqlite3_stmt *stmt, int index, const char *value, int bytes) {
    return sqlite_nio_sqlite3_bind_text(stmt, index, value, bytes, (void (*)(void *))-1);
}
static inline int akinai_sqlite_bind_blob(sqlite3_stmt *stmt, int index, const void *value, int bytes) {
    return sqlite_nio_sqlite3_bind_blob(stmt, index, value, bytes, (void (*)(void *))-1);
}

#endif
