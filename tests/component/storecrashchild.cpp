// Commits batches into a store until it is killed, acknowledging each successful commit on
// stdout. tst_storecrash kills it with SIGKILL at random points and checks the store.
#include "store/store.h"

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
    const LabelSet all{QStringLiteral("crash.example"), QStringLiteral("a.example"),
                       QStringLiteral("a.example"), QString()};
    for (qint64 batchNo = args.at(2).toLongLong();; ++batchNo) {
        QList<EmailCommit> batch;
        // Five reports, each +1 on `all` and +batch%7 on a rotating label set, and one invalid
        // email: a half-applied batch would show in every one of these.
        for (int i = 0; i < 5; ++i) {
            ReportCounts report;
            report.orgName = QStringLiteral("crash.example");
            report.reportId = QStringLiteral("b%1-%2").arg(batchNo).arg(i);
            report.dateBegin = 1700000000;
            Counters one;
            one.total = 1;
            one.compliant = 1;
            report.counts << LabelCounts{all, one};
            Counters some;
            some.total = quint64(batchNo % 7);
            report.counts << LabelCounts{LabelSet{QStringLiteral("crash.example"),
                                                  QStringLiteral("r%1.example").arg(batchNo % 3),
                                                  QString(), QString()},
                                         some};
            EmailCommit email;
            email.identity = EmailIdentity{QStringLiteral("a"), QStringLiteral("INBOX"), 1,
                                           quint32(batchNo * 10 + i), QByteArray("d")};
            email.analysis.candidates = 1;
            email.analysis.reports << report;
            batch << email;
        }
        EmailCommit invalid;
        invalid.identity = EmailIdentity{QStringLiteral("a"), QStringLiteral("INBOX"), 1,
                                         quint32(batchNo * 10 + 9), QByteArray("d")};
        invalid.analysis.fromEmail = QStringLiteral("broken@example.org");
        batch << invalid;
        const auto result = store.value()->commit(batch, 1700000000 + batchNo);
        if (!result.ok()) {
            std::fprintf(stderr, "%s\n", qPrintable(result.error().message));
            return 1;
        }
        std::printf("ok %lld\n", static_cast<long long>(batchNo));
        std::fflush(stdout);
    }
}
