#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QPointer>
#include <QTranslator>

namespace Dmarc::Ui {

namespace {

// Removes the translator `slot` holds, and installs `translator` there when it loaded.
void replace(QPointer<QTranslator> &slot, QTranslator *translator, bool loaded)
{
    delete slot.data(); // a translator removes itself from the application when deleted
    slot = translator;
    if (loaded)
        QCoreApplication::installTranslator(translator);
}

} // namespace

void installTranslations(const QLocale &locale)
{
    static QPointer<QTranslator> own;
    static QPointer<QTranslator> qt;
    auto *app = QCoreApplication::instance();
    const QString name = QStringLiteral("dmarc-metrics-exporter");
    const QString folder = QStringLiteral(":/i18n");
    // The sources are English; the English file only adds plural forms ("1 email", "2 emails")
    // and serves every language without a translation of its own.
    auto *translator = new QTranslator(app);
    const bool loaded = translator->load(locale, name, QStringLiteral("_"), folder) ||
                        translator->load(name + QStringLiteral("_en"), folder);
    replace(own, translator, loaded);
    auto *qtTranslator = new QTranslator(app);
    replace(qt, qtTranslator,
            qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                               QLibraryInfo::path(QLibraryInfo::TranslationsPath)));
}

} // namespace Dmarc::Ui
