#pragma once

#include "service/accountstatus.h"

#include <QDateTime>
#include <QFrame>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

class QVBoxLayout;

namespace Dmarc::Ui {

// Something that needs the user's attention: what is wrong, in plain words, and what can be
// done about it right here (each action a button).
struct Problem
{
    struct Action
    {
        QString text;
        std::function<void()> run;
    };

    QString message;
    QList<Action> actions;
};

// The problem of an account whose last check failed: why, in plain words, and when the next try
// is, with buttons to open the settings and to try again now. Nothing while the account is well
// or stopped.
std::optional<Problem> accountProblem(const AccountStatus &status, const QDateTime &now,
                                      std::function<void()> openSettings,
                                      std::function<void()> retry);

// A banner for the top of a window that lists the problems of the moment, one row each with
// its buttons, and hides itself when there are none. Whoever knows of problems (the store,
// the accounts, the limits) hands the whole current list to setProblems().
class ProblemBanner : public QFrame
{
    Q_OBJECT
public:
    explicit ProblemBanner(QWidget *parent = nullptr);

    void setProblems(const QList<Problem> &problems);
    const QList<Problem> &problems() const { return m_problems; }

private:
    QList<Problem> m_problems;
    QVBoxLayout *m_rows;
};

} // namespace Dmarc::Ui
