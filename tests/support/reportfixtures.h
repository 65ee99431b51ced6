#pragma once

// Builders for report test inputs: XML documents, gzip and zip containers, and emails.

#include "report/counters.h"

#include <QBuffer>
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QStringList>
#include <quazip.h>
#include <quazipfile.h>

#include <zlib.h>

namespace Dmarc::Test {

// One <record> with the given inner pieces.
inline QByteArray record(const QByteArray &policyEvaluated = "<disposition>none</disposition>"
                                                             "<dkim>pass</dkim><spf>fail</spf>",
                         const QByteArray &count = "<count>1</count>",
                         const QByteArray &identifiers = "<header_from>mydomain.de</header_from>",
                         const QByteArray &authResults =
                             "<dkim><domain>mydomain.de</domain><result>pass</result></dkim>"
                             "<spf><domain>my-spf-domain.de</domain><result>pass</result></spf>")
{
    QByteArray policy;
    if (!policyEvaluated.isNull())
        policy = "<policy_evaluated>" + policyEvaluated + "</policy_evaluated>";
    return "<record><row><source_ip>192.0.2.1</source_ip>" + count + policy +
           "</row><identifiers>" + identifiers + "</identifiers><auth_results>" + authResults +
           "</auth_results></record>";
}

// A whole document around `records`.
inline QByteArray feedback(const QByteArray &records = record(), const QByteArray &reportId = "r-1",
                           const QByteArray &rootAttributes = QByteArray(),
                           const QByteArray &orgName = "google.com")
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback" + rootAttributes +
           ">\n<report_metadata><org_name>" + orgName +
           "</org_name><email>noreply-dmarc-support@google.com</email><report_id>" + reportId +
           "</report_id><date_range><begin>1601510400</begin><end>1601596799</end>"
           "</date_range></report_metadata>\n<policy_published><domain>mydomain.de</domain>"
           "<adkim>r</adkim><aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct>"
           "</policy_published>\n" +
           records + "\n</feedback>\n";
}

// The report `xml` of feedback() moved `day` days on from its day, Thursday 2020-10-01.
inline QByteArray reportOnDay(QByteArray xml, int day)
{
    const qint64 begin = 1601510400 + 86400 * day;
    const QByteArray newBegin = "<begin>" + QByteArray::number(begin) + "</begin>";
    const QByteArray newEnd = "<end>" + QByteArray::number(begin + 86399) + "</end>";
    return xml.replace("<begin>1601510400</begin>", newBegin)
        .replace("<end>1601596799</end>", newEnd);
}

// "reporter|from|dkim|spf: total compliant quarantine reject dkim_aligned spf_aligned dkim_pass
// spf_pass", one label set after the other.
inline QString countsSummary(const ReportCounts &report)
{
    QStringList sets;
    for (const LabelCounts &entry : report.counts) {
        const Counters &c = entry.counters;
        sets << QStringLiteral("%1|%2|%3|%4: %5 %6 %7 %8 %9 %10 %11 %12")
                    .arg(entry.labels.reporter, entry.labels.fromDomain, entry.labels.dkimDomain,
                         entry.labels.spfDomain)
                    .arg(c.total)
                    .arg(c.compliant)
                    .arg(c.quarantine)
                    .arg(c.reject)
                    .arg(c.dkimAligned)
                    .arg(c.spfAligned)
                    .arg(c.dkimPass)
                    .arg(c.spfPass);
    }
    return sets.join(QStringLiteral("; "));
}

inline QByteArray gzip(const QByteArray &data, int level = Z_DEFAULT_COMPRESSION)
{
    z_stream stream{};
    deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&stream, uLong(data.size()))) + 64, Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.truncate(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

// A zip of (name, content) members; a name ending in '/' is a directory entry.
inline QByteArray zip(const QList<QPair<QString, QByteArray>> &members)
{
    QBuffer buffer;
    buffer.open(QIODevice::ReadWrite);
    {
        QuaZip archive(&buffer);
        archive.open(QuaZip::mdCreate);
        for (const auto &member : members) {
            QuaZipFile file(&archive);
            file.open(QIODevice::WriteOnly, QuaZipNewInfo(member.first));
            file.write(member.second);
            file.close();
        }
        archive.close();
    }
    return buffer.data();
}

inline QByteArray base64Lines(const QByteArray &data)
{
    const QByteArray encoded = data.toBase64();
    QByteArray out;
    for (qsizetype i = 0; i < encoded.size(); i += 76)
        out += encoded.mid(i, 76) + "\r\n";
    return out;
}

// One MIME part: headers (CRLF-separated, without the empty line) and body.
struct Part
{
    QByteArray headers;
    QByteArray body;
};

inline Part attachment(const QByteArray &contentType, const QByteArray &fileName,
                       const QByteArray &data)
{
    QByteArray headers = "Content-Type: " + contentType;
    if (!fileName.isEmpty())
        headers += "\r\nContent-Disposition: attachment; filename=\"" + fileName + "\"";
    headers += "\r\nContent-Transfer-Encoding: base64";
    return {headers, base64Lines(data)};
}

inline QByteArray multipart(const QByteArray &headers, const QList<Part> &parts,
                            const QByteArray &boundary = "b-outer")
{
    QByteArray out = headers +
                     "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"" +
                     boundary + "\"\r\n\r\nThis is a multi-part message.\r\n";
    for (const Part &part : parts)
        out += "--" + boundary + "\r\n" + part.headers + "\r\n\r\n" + part.body + "\r\n";
    out += "--" + boundary + "--\r\n";
    return out;
}

inline QByteArray email(const QList<Part> &parts,
                        const QByteArray &from = "noreply-dmarc-support@google.com",
                        const QByteArray &boundary = "b-outer")
{
    QByteArray headers = "Subject: Report domain: mydomain.de\r\nTo: dmarc@mydomain.de";
    if (!from.isNull())
        headers = "From: " + from + "\r\n" + headers;
    return multipart(headers, parts, boundary);
}

// An email with one gzipped report `id` for `policyDomain` whose records come from
// d<first>.example on, one label set each.
inline QByteArray labelSetsEmail(const QByteArray &id, int first, int labelSets,
                                 const QByteArray &policyDomain = "mydomain.de")
{
    QByteArray records;
    for (int i = first; i < first + labelSets; ++i) {
        records += record(QByteArray(), "<count>3</count>",
                          "<header_from>d" + QByteArray::number(i) + ".example</header_from>");
    }
    QByteArray xml = feedback(records, id);
    xml.replace("<policy_published><domain>mydomain.de<",
                QByteArray("<policy_published><domain>" + policyDomain + "<"));
    return email({attachment("application/gzip", id + ".xml.gz", gzip(xml))});
}

} // namespace Dmarc::Test
