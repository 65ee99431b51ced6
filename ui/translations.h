#pragma once

namespace Dmarc::Ui {

// Loads the desktop's translation for the system locale (German, French; English otherwise),
// and Qt's own where the system has it. Safe to call more than once.
void installTranslations();

} // namespace Dmarc::Ui
