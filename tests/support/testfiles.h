#pragma once

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

namespace Dmarc::Test {

// Writes `content` to the file `name` in `dir` and returns its path; a test that cannot write
// its own files stops.
inline QString writeTestFile(const QTemporaryDir &dir, const QString &name,
                             const QByteArray &content)
{
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
        qFatal("cannot write %s", qPrintable(file.fileName()));
    return file.fileName();
}

} // namespace Dmarc::Test
