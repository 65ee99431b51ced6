#include "logging.h"

Q_LOGGING_CATEGORY(lcApp, "dmarc.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcImap, "dmarc.imap", QtInfoMsg)
Q_LOGGING_CATEGORY(lcImapWire, "dmarc.imap.wire", QtWarningMsg)
Q_LOGGING_CATEGORY(lcReport, "dmarc.report", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "dmarc.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "dmarc.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcUi, "dmarc.ui", QtInfoMsg)
