#pragma once

#include "common/result.h"
#include "postgresserver.h"
#include "store/store.h"

#include <QSqlDatabase>
#include <QString>

namespace Dmarc::Test {

// The two backends a store test suite runs on, one suite for both: its global data
// (addStoreBackendRows() in initTestCase_data) has a row "sqlite" and a row "postgresql", and
// its init() calls useStoreBackendOfRow(). On SQLite a store lives in its test's temporary
// folder; on PostgreSQL each such folder stands for a database of its own on one private
// server, started with the suite's first PostgreSQL case and stopped by
// stopStoreBackends() in the suite's cleanupTestCase().
void addStoreBackendRows();
// Follows the global row of the running test function.
Result<void> useStoreBackendOfRow();
// The same outside a test suite (a benchmark): SQLite, or PostgreSQL.
Result<void> useStoreBackend(bool postgres);
void stopStoreBackends();
bool onPostgres();
// The server of the PostgreSQL cases; only valid while onPostgres().
PostgresServer &postgresServer();

// Where the store of the folder `dir` is on this backend: the folder, with the database of its
// own on PostgreSQL (created on first use).
StoreLocation locationOf(const QString &dir);
// A connection named `connectionName` (not opened) to the database of the store file `path`:
// the file itself, or the folder's database on PostgreSQL. The caller removes it.
QSqlDatabase rawDatabase(const QString &path, const QString &connectionName);
// How errors name the store of the folder `dir`: its file, or its database's URL.
QString whereOf(const QString &dir);

// Takes the store file `path` (on PostgreSQL: its folder's database) back to schema `version`
// (1 and up): what each later version added is dropped, so that opening it migrates again. A
// migration added to the store adds its undoing here.
Result<void> downgradeStore(const QString &path, int version);

} // namespace Dmarc::Test
