#pragma once

#include <QLoggingCategory>

// One category per area; `--debug` and QT_LOGGING_RULES switch them on and off.
Q_DECLARE_LOGGING_CATEGORY(lcApp)      // dmarc.app
Q_DECLARE_LOGGING_CATEGORY(lcImap)     // dmarc.imap
Q_DECLARE_LOGGING_CATEGORY(lcImapWire) // dmarc.imap.wire (the wire trace, credentials masked)
Q_DECLARE_LOGGING_CATEGORY(lcReport)   // dmarc.report
Q_DECLARE_LOGGING_CATEGORY(lcStore)    // dmarc.store
Q_DECLARE_LOGGING_CATEGORY(lcHttp)     // dmarc.http
Q_DECLARE_LOGGING_CATEGORY(lcUi)       // dmarc.ui
