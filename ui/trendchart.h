#pragma once

#include "dashboardmodels.h"

#include <QWidget>

namespace Dmarc::Ui {

// Daily message volume (bars, left axis) and DMARC compliance (line, right axis, 0-100 %),
// painted in the palette's colours. Hovering or moving with the arrow keys shows one day's values.
class TrendChart : public QWidget
{
    Q_OBJECT
public:
    explicit TrendChart(QWidget *parent = nullptr);

    void setSeries(QList<DailyPoint> series);
    const QList<DailyPoint> &series() const { return m_series; }
    // The day under the cursor (or chosen with the keyboard), -1 when none.
    int hoveredIndex() const { return m_hovered; }
    // What the hover box says about day `index`.
    QString describe(int index) const;

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

    QList<DailyPoint> m_series;
    int m_hovered = -1;
};

} // namespace Dmarc::Ui
