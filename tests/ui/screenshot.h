#pragma once

#include <QPixmap>
#include <QString>

namespace Dmarc::Test {

// Saves `image` as `fileName` in the folder named by DMARC_SCREENSHOT_DIR (the README's
// screenshots, see tests/ui/CMakeLists.txt); nothing when that variable is not set. False, with
// the test failed, when the file cannot be written.
bool saveScreenshot(const QPixmap &image, const QString &fileName);

} // namespace Dmarc::Test
