#pragma once

#include "dashboardmodels.h"

#include <QWidget>

namespace Dmarc::Ui {

// Message volume per day, week or month (bars, left axis) and DMARC compliance (line, right
// axis, 0-100 %), painted in the palette's colours. A period without reports is a gap: no bar,
// and the line broken there. Hovering or moving with the arrow keys shows one period's values
// in one box.
class TrendChart : public QWidget
{
    Q_OBJECT
public:
    explicit TrendChart(QWidget *parent = nullptr);

    void setTrend(Trend trend);
    const Trend &trend() const { return m_trend; }
    // The period under the cursor (or chosen with the keyboard), -1 when none.
    int hoveredIndex() const { return m_hovered; }
    // What the hover box says about period `index`.
    QString describe(int index) const;
    // The period `index` as the axis names it: a day, the first day of a week, or a month.
    QString periodLabel(int index) const;

    QSize sizeHint() const override { return {640, 280}; }
    QSize minimumSizeHint() const override { return {320, 200}; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    QRectF plotArea() const;
    int indexAt(double x) const;
    void setHovered(int index);

    Trend m_trend;
    int m_hovered = -1;
};

} // namespace Dmarc::Ui
