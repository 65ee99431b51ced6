#include "durationspinbox.h"

#include <QLocale>
#include <QRegularExpression>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace Dmarc::Ui {

namespace {

constexpr double kMinute = 60;
constexpr double kHour = 3600;

// The values the arrows step through, in seconds.
constexpr std::array<double, 22> kRoundValues{1,    2,    5,    10,    15,    20,   30,   45,
                                              60,   120,  180,  300,   600,   900,  1200, 1800,
                                              2700, 3600, 7200, 10800, 21600, 43200};

// Up to two decimals, none when they would be zeros: "45", "0.5", "1.25".
QString number(double value)
{
    return QLocale().toString(std::round(value * 100) / 100, 'f', QLocale::FloatingPointShortest);
}

// The seconds `text` names, or nothing when it is not a duration.
std::optional<double> parseDuration(const QString &text)
{
    // A number (with the locale's separators) and its unit, if any.
    static const QRegularExpression part(
        QStringLiteral("\\s*([0-9][^\\sa-zA-Z]*)\\s*([^\\s0-9]*)"));
    const QLocale locale;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    double seconds = 0;
    qsizetype at = 0;
    while (at < trimmed.size()) {
        const QRegularExpressionMatch match =
            part.match(trimmed, at, QRegularExpression::NormalMatch,
                       QRegularExpression::AnchorAtOffsetMatchOption);
        if (!match.hasMatch() || match.capturedLength() == 0)
            return std::nullopt;
        bool ok = false;
        const double value = locale.toDouble(match.captured(1), &ok);
        if (!ok)
            return std::nullopt;
        const QString unit = match.captured(2);
        if (unit.isEmpty() || unit == DurationSpinBox::tr("s"))
            seconds += value;
        else if (unit == DurationSpinBox::tr("min"))
            seconds += value * kMinute;
        else if (unit == DurationSpinBox::tr("h"))
            seconds += value * kHour;
        else
            return std::nullopt;
        at += match.capturedLength();
    }
    return seconds;
}

} // namespace

QString durationText(double seconds)
{
    // Up to two minutes in seconds ("90 s"), then whole hours and minutes and what is left in
    // seconds.
    const double rounded = std::round(seconds * 100) / 100;
    if (rounded < 2 * kMinute)
        return DurationSpinBox::tr("%1 s").arg(number(rounded));
    const auto hours = qint64(rounded / kHour);
    const auto minutes = qint64((rounded - double(hours) * kHour) / kMinute);
    const double rest = rounded - double(hours) * kHour - double(minutes) * kMinute;
    QStringList parts;
    if (hours > 0)
        parts << DurationSpinBox::tr("%1 h").arg(QLocale().toString(hours));
    if (minutes > 0)
        parts << DurationSpinBox::tr("%1 min").arg(QLocale().toString(minutes));
    if (rest > 0.005 || parts.isEmpty())
        parts << DurationSpinBox::tr("%1 s").arg(number(rest));
    return parts.join(QLatin1Char(' '));
}

DurationSpinBox::DurationSpinBox(QWidget *parent)
    : QDoubleSpinBox(parent)
{
    setDecimals(2);
}

QString DurationSpinBox::textFromValue(double seconds) const
{
    return durationText(seconds);
}

double DurationSpinBox::valueFromText(const QString &text) const
{
    return parseDuration(text).value_or(value());
}

QValidator::State DurationSpinBox::validate(QString &text, int &) const
{
    const std::optional<double> seconds = parseDuration(text);
    if (!seconds)
        return QValidator::Intermediate;
    return *seconds >= minimum() && *seconds <= maximum() ? QValidator::Acceptable
                                                          : QValidator::Intermediate;
}

void DurationSpinBox::stepBy(int steps)
{
    double next = value();
    for (; steps > 0; --steps) {
        const auto above = std::upper_bound(kRoundValues.begin(), kRoundValues.end(), next);
        next = above == kRoundValues.end() ? next + 12 * kHour : *above;
    }
    for (; steps < 0; ++steps) {
        const auto below = std::lower_bound(kRoundValues.begin(), kRoundValues.end(), next);
        next = below == kRoundValues.begin() ? minimum() : *(below - 1);
    }
    setValue(next);
}

} // namespace Dmarc::Ui
