#pragma once

// The batches storecrashchild commits, numbered from 0: tst_storecrash commits the same ones
// into a store of its own to know what a store holding the first n of them holds.

#include "store/storetypes.h"

namespace Dmarc::Test {

// Five reports, each +1 on `all` and +batch%7 on a rotating label set, with two sources named
// as the service names them: 192.0.2.1 (the class "office", 1 message, compliant) and
// 198.51.100.<batch%3> (SendGrid for .0, unknown otherwise; batch%7 messages, none compliant,
// one of them quarantined); and one invalid email. A half-applied batch would show in every one
// of these.
inline QList<EmailCommit> crashBatch(qint64 batchNo)
{
    const LabelSet all{QStringLiteral("crash.example"), QStringLiteral("a.example"),
                       QStringLiteral("a.example"), QString()};
    const quint64 rotating = quint64(batchNo % 7);
    const int host = int(batchNo % 3);
    QList<EmailCommit> batch;
    for (int i = 0; i < 5; ++i) {
        ReportCounts report;
        report.orgName = QStringLiteral("crash.example");
        report.reportId = QStringLiteral("b%1-%2").arg(batchNo).arg(i);
        report.dateBegin = 1700000000;
        Counters one;
        one.total = 1;
        one.compliant = 1;
        one.dkimAligned = 1;
        report.counts << LabelCounts{all, one};
        Counters some;
        some.total = rotating;
        some.quarantine = rotating > 0 ? 1 : 0;
        report.counts << LabelCounts{LabelSet{QStringLiteral("crash.example"),
                                              QStringLiteral("r%1.example").arg(batchNo % 3),
                                              QString(), QString()},
                                     some};
        report.sources << SourceCounts{QStringLiteral("192.0.2.1"), QStringLiteral("a.example"),
                                       QStringLiteral("a.example"), QString(), one};
        report.sources << SourceCounts{QStringLiteral("198.51.100.%1").arg(host),
                                       QStringLiteral("a.example"), QStringLiteral("sendgrid.net"),
                                       QString(), some};
        EmailCommit email;
        email.identity = EmailIdentity{QStringLiteral("a"), QStringLiteral("INBOX"), 1,
                                       quint32(batchNo * 10 + i), QByteArray("d")};
        email.analysis.candidates = 1;
        email.analysis.reports << report;
        email.sourceLabels << QList<SourceLabel>{
            {QStringLiteral("192.0.2.1"), QStringLiteral("office"), QStringLiteral("own")},
            host == 0 ? SourceLabel{QStringLiteral("198.51.100.0"), QStringLiteral("SendGrid"),
                                    QStringLiteral("esp")}
                      : SourceLabel{QStringLiteral("198.51.100.%1").arg(host),
                                    QStringLiteral("unknown"), QStringLiteral("other")}};
        batch << email;
    }
    EmailCommit invalid;
    invalid.identity = EmailIdentity{QStringLiteral("a"), QStringLiteral("INBOX"), 1,
                                     quint32(batchNo * 10 + 9), QByteArray("d")};
    invalid.analysis.fromEmail = QStringLiteral("broken@example.org");
    batch << invalid;
    return batch;
}

} // namespace Dmarc::Test
