#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace Dmarc::Ui {

void installTranslations()
{
    static bool installed = false;
    if (installed)
        return;
    installed = true;
    auto *app = QCoreApplication::instance();
    auto *own = new QTranslator(app);
    if (own->load(QLocale(), QStringLiteral("dmarc-metrics-exporter"), QStringLiteral("_"),
                  QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(own);
    auto *qt = new QTranslator(app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
}

} // namespace Dmarc::Ui
