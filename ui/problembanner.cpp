#include "problembanner.h"

#include "statustext.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace Dmarc::Ui {

std::optional<Problem> accountProblem(const AccountStatus &status, const QDateTime &now,
                                      std::function<void()> openSettings,
                                      std::function<void()> retry)
{
    if (status.trouble == AccountStatus::Trouble::None ||
        status.activity == AccountStatus::Activity::Stopped)
        return std::nullopt;
    return Problem{troubleLine(status, now),
                   {{ProblemBanner::tr("Open settings"), std::move(openSettings)},
                    {ProblemBanner::tr("Retry"), std::move(retry)}}};
}

ProblemBanner::ProblemBanner(QWidget *parent)
    : QFrame(parent)
    , m_rows(new QVBoxLayout(this))
{
    setObjectName(QStringLiteral("problemBanner"));
    setFrameShape(QFrame::StyledPanel);
    // The palette's own colours for attention, so that dark themes keep their contrast.
    setAutoFillBackground(true);
    QPalette colours = palette();
    colours.setColor(QPalette::Window, colours.color(QPalette::ToolTipBase));
    colours.setColor(QPalette::WindowText, colours.color(QPalette::ToolTipText));
    setPalette(colours);
    hide();
}

void ProblemBanner::setProblems(const QList<Problem> &problems)
{
    m_problems = problems;
    while (QLayoutItem *item = m_rows->takeAt(0)) {
        if (QLayout *row = item->layout()) {
            while (QLayoutItem *child = row->takeAt(0)) {
                // Later: the button being clicked may be the one that led here.
                child->widget()->hide();
                child->widget()->deleteLater();
                delete child;
            }
        }
        delete item;
    }
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    for (const Problem &problem : problems) {
        auto *row = new QHBoxLayout;
        auto *icon = new QLabel(this);
        icon->setPixmap(warning.pixmap(iconSize, iconSize));
        row->addWidget(icon, 0, Qt::AlignTop);
        auto *message = new QLabel(problem.message, this);
        message->setWordWrap(true);
        message->setTextInteractionFlags(Qt::TextSelectableByMouse);
        row->addWidget(message, 1);
        for (const Problem::Action &action : problem.actions) {
            auto *button = new QPushButton(action.text, this);
            connect(button, &QPushButton::clicked, this, action.run);
            row->addWidget(button, 0, Qt::AlignTop);
        }
        m_rows->addLayout(row);
    }
    setVisible(!problems.isEmpty());
}

} // namespace Dmarc::Ui
