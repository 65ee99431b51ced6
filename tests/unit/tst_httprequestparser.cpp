#include "metrics/httprequestparser.h"

#include <QTest>

using Dmarc::HttpRequest;
using Dmarc::HttpRequestParser;
using State = Dmarc::HttpRequestParser::State;

Q_DECLARE_METATYPE(HttpRequestParser::State)

class TestHttpRequestParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<int>("minor");
        QTest::addColumn<bool>("keepAlive");

        QTest::newRow("get 1.1") << QByteArray("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
                                 << QByteArray("GET") << QByteArray("/metrics") << 1 << true;
        QTest::newRow("head 1.0") << QByteArray("HEAD / HTTP/1.0\r\n\r\n") << QByteArray("HEAD")
                                  << QByteArray("/") << 0 << false;
        QTest::newRow("1.0 keep-alive")
            << QByteArray("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n") << QByteArray("GET")
            << QByteArray("/") << 0 << true;
        QTest::newRow("1.1 close")
            << QByteArray("GET /metrics?x=1 HTTP/1.1\r\nConnection: close\r\n\r\n")
            << QByteArray("GET") << QByteArray("/metrics") << 1 << false;
        QTest::newRow("bare LF") << QByteArray("GET /metrics HTTP/1.1\nHost: x\n\n")
                                 << QByteArray("GET") << QByteArray("/metrics") << 1 << true;
        QTest::newRow("leading empty lines")
            << QByteArray("\r\n\r\nGET /metrics HTTP/1.1\r\n\r\n") << QByteArray("GET")
            << QByteArray("/metrics") << 1 << true;
        QTest::newRow("absolute form")
            << QByteArray("GET http://host:9797/metrics?a HTTP/1.1\r\n\r\n") << QByteArray("GET")
            << QByteArray("/metrics") << 1 << true;
        QTest::newRow("other method") << QByteArray("DELETE /x HTTP/1.1\r\n\r\n")
                                      << QByteArray("DELETE") << QByteArray("/x") << 1 << true;
    }

    void parses()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(int, minor);
        QFETCH(bool, keepAlive);
        // Every split point: the parser is incremental.
        for (int split = 0; split <= input.size(); ++split) {
            HttpRequestParser parser;
            const State first = parser.feed(input.left(split));
            if (split < input.size())
                QCOMPARE(first, State::NeedMore);
            QCOMPARE(parser.feed(input.mid(split)), State::Complete);
            const HttpRequest request = parser.takeRequest();
            QCOMPARE(request.method, method);
            QCOMPARE(request.path, path);
            QCOMPARE(request.versionMinor, minor);
            QCOMPARE(request.keepAlive(), keepAlive);
            QCOMPARE(parser.state(), State::NeedMore);
        }
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("status");

        QTest::newRow("no version") << QByteArray("GET /metrics\r\n\r\n") << 400;
        QTest::newRow("two spaces") << QByteArray("GET  /metrics HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("lower-case version") << QByteArray("GET / http/1.1\r\n\r\n") << 400;
        QTest::newRow("http 2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505;
        QTest::newRow("http 0.9") << QByteArray("GET / HTTP/0.9\r\n\r\n") << 505;
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("control in target") << QByteArray("GET /\x01 HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("8 bit target") << QByteArray("GET /\xc3\xa4 HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("relative target") << QByteArray("GET metrics HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("header without colon")
            << QByteArray("GET / HTTP/1.1\r\nHost x\r\n\r\n") << 400;
        QTest::newRow("space before colon")
            << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n") << 400;
        QTest::newRow("folded header")
            << QByteArray("GET / HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n") << 400;
        QTest::newRow("NUL in value")
            << QByteArray("GET / HTTP/1.1\r\nX-A: a\0b\r\n\r\n", 28) << 400;
        QTest::newRow("bad content-length")
            << QByteArray("GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") << 400;
        QTest::newRow("binary") << QByteArray(
                                       "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15)
                                << 400;
        QTest::newRow("head too large")
            << QByteArray("GET / HTTP/1.1\r\nX-A: " + QByteArray(20000, 'a') + "\r\n\r\n") << 431;
        QTest::newRow("endless line") << QByteArray(20000, 'G') << 431;
    }

    void rejects()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, status);
        HttpRequestParser parser(16 * 1024);
        QCOMPARE(parser.feed(input), State::Error);
        QCOMPARE(parser.errorStatus(), status);
        // Further bytes change nothing and are not buffered.
        QCOMPARE(parser.feed("GET / HTTP/1.1\r\n\r\n"), State::Error);
        QCOMPARE(parser.bufferedBytes(), qsizetype(0));
    }

    void headLimitIsExact()
    {
        const QByteArray prefix = "GET / HTTP/1.1\r\nX: ";
        const QByteArray suffix = "\r\n\r\n";
        const int limit = 100;
        QByteArray fits = prefix + QByteArray(limit - prefix.size() - suffix.size(), 'a') + suffix;
        QCOMPARE(fits.size(), limit);
        HttpRequestParser ok(limit);
        QCOMPARE(ok.feed(fits), State::Complete);
        HttpRequestParser tooLarge(limit);
        QCOMPARE(tooLarge.feed(prefix + QByteArray(limit - prefix.size() - suffix.size() + 1, 'a') +
                               suffix),
                 State::Error);
        QCOMPARE(tooLarge.errorStatus(), 431);
    }

    void pipelinedRequests()
    {
        HttpRequestParser parser;
        QCOMPARE(parser.feed("GET /a HTTP/1.1\r\n\r\nHEAD /b HTTP/1.1\r\n\r\nGET /c"),
                 State::Complete);
        QCOMPARE(parser.takeRequest().path, QByteArray("/a"));
        QCOMPARE(parser.state(), State::Complete);
        QCOMPARE(parser.takeRequest().method, QByteArray("HEAD"));
        QCOMPARE(parser.state(), State::NeedMore);
        QCOMPARE(parser.feed(" HTTP/1.1\r\n\r\n"), State::Complete);
        QCOMPARE(parser.takeRequest().path, QByteArray("/c"));
    }

    void headers()
    {
        HttpRequestParser parser;
        QCOMPARE(parser.feed("GET / HTTP/1.1\r\nAccept-Encoding:  gzip \r\nX-Empty:\r\n"
                             "Content-Length: 5\r\n\r\n"),
                 State::Complete);
        const HttpRequest request = parser.takeRequest();
        QCOMPARE(request.header("accept-encoding"), QByteArray("gzip"));
        QCOMPARE(request.header("x-empty"), QByteArray(""));
        QVERIFY(request.header("missing").isNull());
        QVERIFY(request.hasBody());
    }

    void acceptsGzip_data()
    {
        QTest::addColumn<QByteArray>("acceptEncoding");
        QTest::addColumn<bool>("gzip");
        QTest::newRow("absent") << QByteArray() << false;
        QTest::newRow("gzip") << QByteArray("gzip") << true;
        QTest::newRow("list") << QByteArray("deflate, GZIP;q=0.5, br") << true;
        QTest::newRow("q=0") << QByteArray("gzip;q=0, identity") << false;
        QTest::newRow("star") << QByteArray("*") << true;
        QTest::newRow("star but not gzip") << QByteArray("*, gzip;q=0") << false;
        QTest::newRow("identity") << QByteArray("identity") << false;
        QTest::newRow("bad q") << QByteArray("gzip;q=x") << false;
    }

    void acceptsGzip()
    {
        QFETCH(QByteArray, acceptEncoding);
        QFETCH(bool, gzip);
        HttpRequest request;
        if (!acceptEncoding.isNull())
            request.headers.append({"accept-encoding", acceptEncoding});
        QCOMPARE(request.acceptsGzip(), gzip);
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
