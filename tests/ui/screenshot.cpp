#include "screenshot.h"

#include <QDir>
#include <QTest>

namespace Dmarc::Test {

bool saveScreenshot(const QPixmap &image, const QString &fileName)
{
    const QString directory = qEnvironmentVariable("DMARC_SCREENSHOT_DIR");
    if (directory.isEmpty())
        return true;
    const QString path = QDir(directory).filePath(fileName);
    if (image.isNull() || !image.save(path)) {
        QTest::qFail(qPrintable(QStringLiteral("cannot save the screenshot %1").arg(path)),
                     __FILE__, __LINE__);
        return false;
    }
    return true;
}

} // namespace Dmarc::Test
