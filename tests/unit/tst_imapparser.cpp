#include "imap/imapparser.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Dmarc::Imap;

namespace {

QJsonValue str(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes);
}

// Upstream's test representation: NIL stays the token "NIL", numbers are integers at the top
// of an attribute and strings inside nested lists.
QJsonValue toJson(const ImapValue &value, bool nested)
{
    switch (value.type) {
    case ImapValue::Type::Nil:
        return QStringLiteral("NIL");
    case ImapValue::Type::Number:
        return nested ? str(value.bytes) : QJsonValue(qint64(value.number));
    case ImapValue::Type::Atom:
    case ImapValue::Type::String:
        return str(value.bytes);
    case ImapValue::Type::List: {
        QJsonArray array;
        for (const ImapValue &item : value.list)
            array.append(toJson(item, true));
        return array;
    }
    }
    return {};
}

QJsonArray fetchToJson(const ImapResponse &response)
{
    QJsonArray items;
    for (const FetchItem &item : response.fetch) {
        QJsonArray out{str(item.name)};
        const bool bodyLike = item.name == "BODY" || item.name == "BINARY";
        if (item.hasSection && bodyLike) {
            const auto section = ImapResponseParser::parseValues(item.section);
            QJsonArray sectionJson;
            for (const ImapValue &v : section.value())
                sectionJson.append(toJson(v, true));
            out.append(sectionJson);
        } else if (item.hasSection) {
            out.append(str('[' + item.section + ']'));
        }
        if (item.origin)
            out.append(qint64(*item.origin));
        // Upstream discards body structures.
        if ((item.name == "BODY" || item.name == "BODYSTRUCTURE") && !item.hasSection)
            out.append(QJsonArray());
        else
            out.append(toJson(item.value, false));
        items.append(out);
    }
    return items;
}

QJsonArray statusToJson(const ImapResponse &response)
{
    QJsonArray out{str(response.name)};
    if (response.code) {
        const ImapResponseCode &code = *response.code;
        QJsonArray codeJson{str(code.name)};
        if (code.name == "UIDNEXT" || code.name == "UIDVALIDITY" || code.name == "UNSEEN")
            codeJson.append(qint64(code.arguments.value(0).number));
        else if (code.name == "BADCHARSET")
            codeJson.append(toJson(code.arguments.value(0), false));
        else if (!code.text.isEmpty())
            codeJson.append(str(code.text));
        out.append(codeJson);
    }
    out.append(str(response.text));
    return out;
}

QJsonValue toJson(const ImapResponse &response)
{
    QJsonArray out;
    switch (response.type) {
    case ImapResponse::Type::Continuation:
        return QJsonArray{QStringLiteral("+"), str(response.text)};
    case ImapResponse::Type::Tagged:
        out.append(str(response.tag));
        for (const QJsonValue &v : statusToJson(response))
            out.append(v);
        return out;
    case ImapResponse::Type::Untagged:
        out.append(QStringLiteral("*"));
        if (response.number)
            out.append(qint64(*response.number));
        if (response.name == "FETCH") {
            out.append(QStringLiteral("FETCH"));
            out.append(fetchToJson(response));
        } else if (response.number) {
            out.append(str(response.name));
        } else if (response.isStatus()) {
            for (const QJsonValue &v : statusToJson(response))
                out.append(v);
        } else if (response.name == "CAPABILITY") {
            out.append(QStringLiteral("CAPABILITY"));
            out.append(str(response.text));
        } else {
            for (const QByteArray &chunk : response.chunks)
                out.append(str(chunk));
        }
        return out;
    }
    return out;
}

// Feeds `input` in the given pieces and returns every response, or the error.
struct FeedResult
{
    QList<ImapResponse> responses;
    QString error;
    bool partial = false;
};

FeedResult feedPieces(const QList<QByteArray> &pieces, const ParserLimits &limits = {})
{
    FeedResult result;
    ImapResponseParser parser(limits);
    for (const QByteArray &piece : pieces) {
        parser.feed(piece);
        for (;;) {
            auto next = parser.next();
            if (!next) {
                result.error = next.error().message;
                return result;
            }
            if (!next.value())
                break;
            result.responses.append(*next.value());
        }
    }
    result.partial = parser.hasPartialResponse();
    return result;
}

struct Vector
{
    QString rule;
    QByteArray input;
    QJsonValue expected;
    bool expectError = false;
};

QList<Vector> loadVectors()
{
    QFile file(QStringLiteral(DMARC_TEST_DATA_DIR "/upstream/imap-parser-vectors.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QJsonArray vectors = QJsonDocument::fromJson(file.readAll())[u"vectors"].toArray();
    QList<Vector> out;
    for (const QJsonValue &v : vectors) {
        const QJsonObject o = v.toObject();
        Vector vector;
        vector.rule = o[u"rule"].toString();
        vector.input = o[u"input"].toString().toLatin1();
        vector.expected = o[u"expected"];
        vector.expectError = o.contains(u"expected_error");
        out.append(vector);
    }
    return out;
}

// The bytes fed to the response parser for a vector, and how to read its result back.
QByteArray wireInput(const Vector &vector)
{
    if (vector.rule == u"string")
        return "* X " + vector.input + "\r\n";
    if (vector.rule == u"fetch_response_line")
        return "* " + vector.input + "\r\n";
    if (vector.rule == u"response_tagged")
        return vector.expectError ? vector.input : vector.input + "\r\n";
    return vector.input;
}

QJsonValue actual(const Vector &vector, const ImapResponse &response)
{
    if (vector.rule == u"string")
        return QJsonArray{toJson(response.values.value(0), false)};
    const QJsonValue json = toJson(response);
    if (vector.rule == u"fetch_response_line") {
        QJsonArray array = json.toArray();
        array.removeFirst();
        return array;
    }
    return json;
}

QList<QByteArray> bytewise(const QByteArray &input)
{
    QList<QByteArray> pieces;
    for (const char c : input)
        pieces.append(QByteArray(1, c));
    return pieces;
}

} // namespace

class TestImapParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void upstreamVectors_data()
    {
        QTest::addColumn<int>("index");
        const QList<Vector> vectors = loadVectors();
        QCOMPARE(vectors.size(), 42);
        for (int i = 0; i < vectors.size(); ++i)
            QTest::addRow("%d %s", i, qPrintable(vectors.at(i).rule)) << i;
    }

    void upstreamVectors()
    {
        QFETCH(int, index);
        const Vector vector = loadVectors().at(index);
        const QByteArray input = wireInput(vector);

        QList<QList<QByteArray>> feeds{{input}, bytewise(input)};
        for (qsizetype split = 1; split < input.size(); ++split)
            feeds.append({input.left(split), input.mid(split)});

        for (const QList<QByteArray> &pieces : feeds) {
            const FeedResult result = feedPieces(pieces);
            const QString where = QStringLiteral("fed as %1 pieces, first %2 bytes")
                                      .arg(pieces.size())
                                      .arg(pieces.first().size());
            if (vector.expectError) {
                // A truncated literal never yields a response; the bytes stay pending.
                QVERIFY2(result.responses.isEmpty() && result.partial && result.error.isEmpty(),
                         qPrintable(where));
                continue;
            }
            QVERIFY2(result.error.isEmpty(), qPrintable(where + u": " + result.error));
            QVERIFY2(!result.partial, qPrintable(where));
            QCOMPARE(result.responses.size(), 1);
            const QJsonValue got = actual(vector, result.responses.first());
            if (got != vector.expected) {
                qWarning("got      %s", QJsonDocument(got.toArray()).toJson().constData());
                qWarning("expected %s",
                         QJsonDocument(vector.expected.toArray()).toJson().constData());
            }
            QVERIFY2(got == vector.expected, qPrintable(where));
        }
    }

    void responses_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("tagged without text")
            << QByteArray("a1 OK\r\n") << QByteArray("[\"a1\",\"OK\",\"\"]");
        QTest::newRow("lower-case status")
            << QByteArray("a2 no [TRYCREATE] no such mailbox\r\n")
            << QByteArray("[\"a2\",\"NO\",[\"TRYCREATE\"],\"no such mailbox\"]");
        QTest::newRow("uidvalidity")
            << QByteArray("* OK [UIDVALIDITY 3857529045] UIDs valid\r\n")
            << QByteArray("[\"*\",\"OK\",[\"UIDVALIDITY\",3857529045],\"UIDs valid\"]");
        QTest::newRow("appenduid")
            << QByteArray("a3 OK [APPENDUID 38505 3955] APPEND completed\r\n")
            << QByteArray("[\"a3\",\"OK\",[\"APPENDUID\",\"38505 3955\"],\"APPEND completed\"]");
        QTest::newRow("copyuid")
            << QByteArray("a4 OK [COPYUID 38505 304,319:320 3956:3958] Done\r\n")
            << QByteArray("[\"a4\",\"OK\",[\"COPYUID\",\"38505 304,319:320 3956:3958\"],\"Done\"]");
        QTest::newRow("capability code")
            << QByteArray("* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n")
            << QByteArray("[\"*\",\"OK\",[\"CAPABILITY\",\"IMAP4rev1 IDLE\"],\"ready\"]");
        QTest::newRow("free-text code")
            << QByteArray("* NO [ALERT (unbalanced] careful\r\n")
            << QByteArray("[\"*\",\"NO\",[\"ALERT\",\"(unbalanced\"],\"careful\"]");
        QTest::newRow("preauth") << QByteArray("* PREAUTH welcome\r\n")
                                 << QByteArray("[\"*\",\"PREAUTH\",\"welcome\"]");
        QTest::newRow("empty continuation") << QByteArray("+\r\n") << QByteArray("[\"+\",\"\"]");
        QTest::newRow("binary literal")
            << QByteArray("* 1 FETCH (BINARY[] ~{3}\r\na\0b UID 9)\r\n", 38)
            << QByteArray("[\"*\",1,\"FETCH\",[[\"BINARY\",[],\"a\\u0000b\"],[\"UID\",9]]]");
        QTest::newRow("quoted escapes")
            << QByteArray("* 1 FETCH (X \"a\\\"b\\\\c\")\r\n")
            << QByteArray("[\"*\",1,\"FETCH\",[[\"X\",\"a\\\"b\\\\c\"]]]");
        QTest::newRow("literal plus header") << QByteArray("* 1 FETCH (X {2+}\r\nab)\r\n")
                                             << QByteArray("[\"*\",1,\"FETCH\",[[\"X\",\"ab\"]]]");
    }

    void responses()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, json);
        const QJsonValue expected = QJsonDocument::fromJson(json).array();
        for (qsizetype split = 1; split < input.size(); ++split) {
            const FeedResult result = feedPieces({input.left(split), input.mid(split)});
            QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
            QCOMPARE(result.responses.size(), 1);
            const QJsonValue got = toJson(result.responses.first());
            QVERIFY2(got == expected, QJsonDocument(got.toArray()).toJson().constData());
        }
    }

    void listAndSearchValues()
    {
        const FeedResult result = feedPieces(
            {"* LIST (\\HasNoChildren) \".\" INBOX.Archive\r\n* LIST () NIL {5}\r\nA&-B \r\n"
             "* SEARCH 3 5 7\r\n* NAMESPACE ((\"INBOX.\" \".\")) NIL NIL\r\n"});
        QVERIFY(result.error.isEmpty());
        QCOMPARE(result.responses.size(), 4);
        const ImapResponse &list = result.responses.at(0);
        QCOMPARE(list.name, QByteArray("LIST"));
        QCOMPARE(list.values.size(), 3);
        QCOMPARE(list.values.at(0).list.at(0).bytes, QByteArray("\\HasNoChildren"));
        QCOMPARE(list.values.at(1).bytes, QByteArray("."));
        QCOMPARE(list.values.at(2).bytes, QByteArray("INBOX.Archive"));
        QVERIFY(result.responses.at(1).values.at(1).isNil());
        QCOMPARE(result.responses.at(1).values.at(2).bytes, QByteArray("A&-B "));
        QCOMPARE(result.responses.at(2).values.size(), 3);
        QCOMPARE(result.responses.at(2).values.at(2).number, 7u);
        QCOMPARE(result.responses.at(3).values.at(0).list.at(0).list.at(0).bytes,
                 QByteArray("INBOX."));
    }

    void severalResponsesInOneRead()
    {
        const FeedResult result =
            feedPieces({"* 2 EXISTS\r\n* 1 RECENT\r\na1 OK [READ-WRITE] done\r\n+ go"});
        QVERIFY(result.error.isEmpty());
        QCOMPARE(result.responses.size(), 3);
        QVERIFY(result.partial);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::newRow("garbage") << QByteArray("hello world\r\n");
        QTest::newRow("empty line") << QByteArray("\r\n");
        QTest::newRow("star without space") << QByteArray("*OK\r\n");
        QTest::newRow("tag without status") << QByteArray("a1\r\n");
        QTest::newRow("unterminated fetch list") << QByteArray("* 1 FETCH (UID 5\r\n");
        QTest::newRow("fetch without list") << QByteArray("* 1 FETCH UID\r\n");
        QTest::newRow("unterminated quote") << QByteArray("* 1 FETCH (X \"abc)\r\n");
        QTest::newRow("unterminated section")
            << QByteArray("* 1 FETCH (BODY[HEADER {3}\r\nabc)\r\n");
        QTest::newRow("too deep") << QByteArray("* 1 FETCH (X " + QByteArray(100, '(') +
                                                QByteArray(100, ')') + ")\r\n");
    }

    void errors()
    {
        QFETCH(QByteArray, input);
        const FeedResult result = feedPieces({input});
        QVERIFY(!result.error.isEmpty());
        // The parser stays failed.
        ImapResponseParser parser;
        parser.feed(input);
        QVERIFY(!parser.next());
        parser.feed("* OK fine\r\n");
        QVERIFY(!parser.next());
    }

    void limits()
    {
        ParserLimits limits;
        limits.maxLineBytes = 100;
        limits.maxLiteralBytes = 1000;
        limits.maxResponseBytes = 1500;
        // A literal over the limit is refused from its header, before its bytes arrive.
        FeedResult result = feedPieces({"* 1 FETCH (BODY[] {1001}\r\n"}, limits);
        QVERIFY(result.error.contains(u"limit"));
        // A line that never ends is refused once it passes the limit.
        result = feedPieces({"* OK " + QByteArray(200, 'x')}, limits);
        QVERIFY(result.error.contains(u"longer"));
        // Literals that each fit but together pass the response limit.
        result =
            feedPieces({"* 1 FETCH (A {900}\r\n" + QByteArray(900, 'a') + " B {900}\r\n"}, limits);
        QVERIFY(result.error.contains(u"exceeds"));
        // A huge announced literal is refused without allocating it.
        result = feedPieces({"* 1 FETCH (BODY[] {99999999999999999}\r\n"});
        QVERIFY(result.error.contains(u"limit"));
        // Within the limits all is well.
        result =
            feedPieces({"* 1 FETCH (BODY[] {1000}\r\n" + QByteArray(1000, 'b') + ")\r\n"}, limits);
        QVERIFY(result.error.isEmpty());
        QCOMPARE(result.responses.first().fetch.first().value.bytes.size(), 1000);
    }

    void largeLiteralFedInSmallPieces()
    {
        const QByteArray body(5 * 1024 * 1024, 'm');
        ImapResponseParser parser;
        parser.feed("* 7 FETCH (UID 70 BODY[] {" + QByteArray::number(body.size()) + "}\r\n");
        for (qsizetype i = 0; i < body.size(); i += 16384) {
            parser.feed(body.mid(i, 16384));
            auto next = parser.next();
            QVERIFY(next && !next.value());
        }
        parser.feed(")\r\n");
        auto next = parser.next();
        QVERIFY(next && next.value());
        QCOMPARE(next.value()->fetchItem("BODY")->value.bytes.size(), body.size());
        QCOMPARE(next.value()->fetchItem("UID")->value.number, 70u);
        QVERIFY(!parser.hasPartialResponse());
    }
};

QTEST_GUILESS_MAIN(TestImapParser)
#include "tst_imapparser.moc"
