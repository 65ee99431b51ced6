#include "trendchart.h"

#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace Dmarc::Ui {

namespace {

// A round axis maximum (1, 2 or 5 times a power of ten) at or above `value`.
quint64 niceCeiling(quint64 value)
{
    if (value <= 5)
        return 5;
    double magnitude = std::pow(10.0, std::floor(std::log10(double(value))));
    for (const double step : {1.0, 2.0, 5.0, 10.0}) {
        if (step * magnitude >= double(value))
            return quint64(step * magnitude);
    }
    return value;
}

QColor complianceColor()
{
    return QColor(46, 160, 67);
}

} // namespace

TrendChart::TrendChart(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAccessibleName(tr("Messages and DMARC compliance over time"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void TrendChart::setTrend(Trend trend)
{
    m_trend = std::move(trend);
    m_hovered = -1;
    setAccessibleDescription(QString());
    update();
}

QString TrendChart::periodLabel(int index) const
{
    if (index < 0 || index >= m_trend.points.size())
        return {};
    const TrendPoint &point = m_trend.points.at(index);
    const QLocale locale;
    if (m_trend.period == TrendPeriod::Month)
        return locale.toString(point.first, QStringLiteral("MMM yyyy"));
    return locale.toString(point.first, QLocale::ShortFormat);
}

QString TrendChart::describe(int index) const
{
    if (index < 0 || index >= m_trend.points.size())
        return {};
    const TrendPoint &point = m_trend.points.at(index);
    const QLocale locale;
    const QString days =
        point.first == point.last
            ? locale.toString(point.first, QLocale::ShortFormat)
            : tr("%1 to %2").arg(locale.toString(point.first, QLocale::ShortFormat),
                                 locale.toString(point.last, QLocale::ShortFormat));
    if (point.messages == 0)
        return days + QLatin1Char('\n') + tr("No reports");
    return days + QLatin1Char('\n') + tr("Messages: %1").arg(locale.toString(point.messages)) +
           QLatin1Char('\n') +
           tr("DMARC compliant: %1").arg(formatPercent(point.compliant, point.messages));
}

QRectF TrendChart::plotArea() const
{
    const QFontMetrics metrics(font());
    const double left = metrics.horizontalAdvance(QStringLiteral("000000")) + 12;
    const double right = metrics.horizontalAdvance(QStringLiteral("100 %")) + 12;
    const double top = metrics.height() + 8;
    const double bottom = 2 * metrics.height() + 10;
    return QRectF(left, top, std::max(10.0, width() - left - right),
                  std::max(10.0, height() - top - bottom));
}

int TrendChart::indexAt(double x) const
{
    const QRectF plot = plotArea();
    const auto count = m_trend.points.size();
    if (count == 0 || x < plot.left() || x > plot.right())
        return -1;
    const int index = int((x - plot.left()) / plot.width() * double(count));
    return std::clamp(index, 0, int(count) - 1);
}

void TrendChart::setHovered(int index)
{
    if (index == m_hovered)
        return;
    m_hovered = index;
    // The chart paints its own box: no tooltip besides it.
    setAccessibleDescription(describe(index));
    update();
}

void TrendChart::mouseMoveEvent(QMouseEvent *event)
{
    setHovered(indexAt(event->position().x()));
}

void TrendChart::leaveEvent(QEvent *event)
{
    setHovered(-1);
    QWidget::leaveEvent(event);
}

void TrendChart::keyPressEvent(QKeyEvent *event)
{
    const int last = int(m_trend.points.size()) - 1;
    if (event->key() == Qt::Key_Left && last >= 0)
        setHovered(m_hovered <= 0 ? last : m_hovered - 1);
    else if (event->key() == Qt::Key_Right && last >= 0)
        setHovered(m_hovered >= last ? 0 : m_hovered + 1);
    else
        QWidget::keyPressEvent(event);
}

void TrendChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(40);
    const QColor bars = pal.color(QPalette::Highlight);
    const QFontMetrics metrics(font());
    const QRectF plot = plotArea();
    const QLocale locale;

    painter.setPen(text);
    const QString title = m_trend.period == TrendPeriod::Month  ? tr("Messages per month")
                          : m_trend.period == TrendPeriod::Week ? tr("Messages per week")
                                                                : tr("Messages per day");
    painter.drawText(QRectF(plot.left(), 0, plot.width(), plot.top() - 4),
                     Qt::AlignLeft | Qt::AlignVCenter, title);
    painter.setPen(complianceColor());
    painter.drawText(QRectF(plot.left(), 0, plot.width(), plot.top() - 4),
                     Qt::AlignRight | Qt::AlignVCenter, tr("DMARC compliant (%)"));

    const QList<TrendPoint> &points = m_trend.points;
    quint64 maximum = 0;
    for (const TrendPoint &point : points)
        maximum = std::max(maximum, point.messages);
    if (maximum == 0) {
        painter.setPen(text);
        painter.drawText(plot, Qt::AlignCenter, tr("No reports in this range"));
        return;
    }
    const quint64 axisMax = niceCeiling(maximum);

    // Grid and both vertical axes: five steps.
    constexpr int steps = 5;
    for (int i = 0; i <= steps; ++i) {
        const double y = plot.bottom() - plot.height() * i / steps;
        painter.setPen(QPen(grid, 1));
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        painter.setPen(text);
        painter.drawText(QRectF(0, y - metrics.height() / 2.0, plot.left() - 6, metrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter,
                         locale.toString(axisMax * quint64(i) / steps));
        painter.setPen(complianceColor());
        painter.drawText(QRectF(plot.right() + 6, y - metrics.height() / 2.0,
                                width() - plot.right() - 6, metrics.height()),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         QStringLiteral("%1 %").arg(100 * i / steps));
    }

    const int count = int(points.size());
    const double slot = plot.width() / count;
    const double barWidth = std::max(1.0, slot * 0.7);
    // The line runs through neighbouring periods with reports only: a gap breaks it.
    QPainterPath line;
    bool previousHadReports = false;
    for (int i = 0; i < count; ++i) {
        const TrendPoint &point = points.at(i);
        if (point.messages == 0) {
            previousHadReports = false;
            continue;
        }
        const double x = plot.left() + slot * i;
        const double h = plot.height() * double(point.messages) / double(axisMax);
        QColor fill = bars;
        if (i == m_hovered)
            fill = fill.lighter(130);
        painter.fillRect(QRectF(x + (slot - barWidth) / 2, plot.bottom() - h, barWidth, h), fill);
        const QPointF at(x + slot / 2,
                         plot.bottom() -
                             plot.height() * percent(point.compliant, point.messages) / 100.0);
        if (previousHadReports)
            line.lineTo(at);
        else
            line.moveTo(at);
        previousHadReports = true;
        painter.setBrush(complianceColor());
        painter.setPen(Qt::NoPen);
        painter.drawEllipse(at, 3, 3);
    }
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(complianceColor(), 2));
    painter.drawPath(line);

    // Period labels along the bottom, as many as fit.
    painter.setPen(text);
    const double labelWidth = metrics.horizontalAdvance(periodLabel(0)) + 16;
    const int every = std::max(1, int(std::ceil(labelWidth / slot)));
    for (int i = 0; i < count; i += every) {
        const double centre = plot.left() + slot * i + slot / 2;
        painter.drawText(
            QRectF(centre - labelWidth / 2, plot.bottom() + 4, labelWidth, metrics.height()),
            Qt::AlignCenter, periodLabel(i));
    }
    const QString axis = m_trend.period == TrendPeriod::Month
                             ? tr("Month (UTC, by report day)")
                         : m_trend.period == TrendPeriod::Week
                             ? tr("Week from Monday (UTC, by report day)")
                             : tr("Day (UTC, by report day)");
    painter.drawText(
        QRectF(plot.left(), plot.bottom() + 6 + metrics.height(), plot.width(), metrics.height()),
        Qt::AlignCenter, axis);

    if (m_hovered >= 0) {
        const QString label = describe(m_hovered);
        const QRect textRect = metrics.boundingRect(QRect(0, 0, 400, 200), Qt::AlignLeft, label);
        const double x = plot.left() + slot * m_hovered + slot / 2;
        QRectF box(x + 8, plot.top() + 4, textRect.width() + 12, textRect.height() + 8);
        if (box.right() > plot.right())
            box.moveRight(x - 8);
        painter.setPen(pal.color(QPalette::Mid));
        painter.setBrush(pal.color(QPalette::ToolTipBase));
        painter.drawRoundedRect(box, 4, 4);
        painter.setPen(pal.color(QPalette::ToolTipText));
        painter.drawText(box.adjusted(6, 4, -6, -4), Qt::AlignLeft, label);
    }
}

} // namespace Dmarc::Ui
