#pragma once

#include <QDoubleSpinBox>

namespace Dmarc::Ui {

// A duration as a person writes it, in the locale's numbers: "90 s", "5 min", "2 min 30 s",
// "1 h 30 min", "0.5 s".
QString durationText(double seconds);

// A spin box for a duration in seconds that shows durationText() and reads what a person types:
// "90", "90 s", "1.5 min", "1 h 30 min". The arrows step through round values (5 s, 10 s, …,
// 1 min, 2 min, 5 min, …).
class DurationSpinBox : public QDoubleSpinBox
{
    Q_OBJECT
public:
    explicit DurationSpinBox(QWidget *parent = nullptr);

    QString textFromValue(double seconds) const override;
    double valueFromText(const QString &text) const override;
    QValidator::State validate(QString &text, int &pos) const override;
    void stepBy(int steps) override;
};

} // namespace Dmarc::Ui
