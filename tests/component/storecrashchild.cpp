// Commits batches into a store until it is killed, acknowledging each successful commit on
// stdout. tst_storecrash kills it with SIGKILL at random points and checks the store.
#include "store/store.h"
#include "storecrashbatch.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Dmarc;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 3)
        return 2;
    auto store = Store::open(args.at(1));
    if (!store.ok()) {
        std::fprintf(stderr, "%s\n", qPrintable(store.error().message));
        return 1;
    }
    for (qint64 batchNo = args.at(2).toLongLong();; ++batchNo) {
        const auto result = store.value()->commit(Test::crashBatch(batchNo), 1700000000 + batchNo);
        if (!result.ok()) {
            std::fprintf(stderr, "%s\n", qPrintable(result.error().message));
            return 1;
        }
        std::printf("ok %lld\n", static_cast<long long>(batchNo));
        std::fflush(stdout);
    }
}
