#pragma once

#include <QLocale>

namespace Dmarc::Ui {

// Loads the desktop's translation for `locale` (German, French; English with its plural forms
// otherwise) and Qt's own where the system has it (the standard buttons' words), in place of
// those loaded before.
void installTranslations(const QLocale &locale = QLocale());

} // namespace Dmarc::Ui
