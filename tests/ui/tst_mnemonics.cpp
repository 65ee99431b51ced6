#include "dashboardwindow.h"
#include "exporterfixture.h"
#include "service/exporter.h"
#include "settingsdialog.h"
#include "translations.h"
#include "trayicon.h"

#include <QAbstractButton>
#include <QAction>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QKeySequence>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Dmarc;
using namespace Dmarc::Ui;

namespace {

// One Alt+letter a person can press: what it belongs to, and the tab pages it is shown on.
struct Mnemonic
{
    QKeySequence key;
    QString text;
    const QObject *owner = nullptr;
    QList<QPair<const QTabWidget *, int>> pages;
};

// The tab pages `widget` lies on, from the nearest out.
QList<QPair<const QTabWidget *, int>> pagesOf(QWidget *widget)
{
    QList<QPair<const QTabWidget *, int>> pages;
    for (QWidget *w = widget; w; w = w->parentWidget()) {
        auto *stack = qobject_cast<QStackedWidget *>(w->parentWidget());
        auto *tabs = stack ? qobject_cast<QTabWidget *>(stack->parentWidget()) : nullptr;
        if (tabs)
            pages.append({tabs, tabs->indexOf(w)});
    }
    return pages;
}

// Whether both can be on screen at once: not on two pages of one tab widget.
bool shownTogether(const Mnemonic &a, const Mnemonic &b)
{
    for (const auto &[tabs, page] : a.pages) {
        for (const auto &[otherTabs, otherPage] : b.pages) {
            if (tabs == otherTabs && page != otherPage)
                return false;
        }
    }
    return true;
}

void add(QList<Mnemonic> &found, const QString &text, const QObject *owner,
         const QList<QPair<const QTabWidget *, int>> &pages)
{
    const QKeySequence key = QKeySequence::mnemonic(text);
    if (!key.isEmpty())
        found.append(Mnemonic{key, text, owner, pages});
}

// The words GNOME shows on a standard button, each with a mnemonic: "&Save", in German
// "S&peichern". Other desktops show them without one.
QString gnomeText(QDialogButtonBox::StandardButton button)
{
    switch (button) {
    case QDialogButtonBox::Ok:
        return QCoreApplication::translate("QGnomeTheme", "&OK");
    case QDialogButtonBox::Save:
        return QCoreApplication::translate("QGnomeTheme", "&Save");
    case QDialogButtonBox::Cancel:
        return QCoreApplication::translate("QGnomeTheme", "&Cancel");
    case QDialogButtonBox::Close:
        return QCoreApplication::translate("QGnomeTheme", "&Close");
    default:
        return {};
    }
}

// Every mnemonic of a window: buttons (the dialog buttons also as GNOME words them), labels
// with a buddy, group boxes and tabs, shown now or not.
QList<Mnemonic> mnemonicsOf(const QWidget *window)
{
    QList<Mnemonic> found;
    for (QAbstractButton *button : window->findChildren<QAbstractButton *>()) {
        add(found, button->text(), button, pagesOf(button));
        if (const auto *box = qobject_cast<QDialogButtonBox *>(button->parentWidget()))
            add(found, gnomeText(box->standardButton(button)), button, pagesOf(button));
    }
    for (QLabel *label : window->findChildren<QLabel *>()) {
        if (label->buddy())
            add(found, label->text(), label, pagesOf(label));
    }
    for (QGroupBox *group : window->findChildren<QGroupBox *>())
        add(found, group->title(), group, pagesOf(group));
    for (QTabBar *bar : window->findChildren<QTabBar *>()) {
        for (int i = 0; i < bar->count(); ++i)
            add(found, bar->tabText(i), bar, pagesOf(bar));
    }
    return found;
}

QList<Mnemonic> mnemonicsOf(const QMenu *menu)
{
    QList<Mnemonic> found;
    for (const QAction *action : menu->actions())
        add(found, action->text(), action, {});
    return found;
}

// "Alt+P: "&Pause" and "S&PF domains"" for each two things of `found` on one key, shown
// together.
QStringList clashes(const QList<Mnemonic> &found)
{
    QStringList clashes;
    for (qsizetype i = 0; i < found.size(); ++i) {
        for (qsizetype j = i + 1; j < found.size(); ++j) {
            const Mnemonic &a = found.at(i);
            const Mnemonic &b = found.at(j);
            if (a.key == b.key && a.owner != b.owner && shownTogether(a, b))
                clashes << QStringLiteral("%1: \"%2\" and \"%3\"")
                               .arg(a.key.toString(QKeySequence::PortableText), a.text, b.text);
        }
    }
    return clashes;
}

} // namespace

// In every window and menu of the desktop, in each language, one Alt+letter leads to one thing.
class TestMnemonics : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<Exporter> m_exporter;

    void checkUnique(const QString &where, const QList<Mnemonic> &found, int atLeast)
    {
        // Too few found means the walk missed the widgets, not that they are unique.
        QVERIFY2(found.size() >= atLeast,
                 qPrintable(QStringLiteral("%1: only %2 mnemonics").arg(where).arg(found.size())));
        const QStringList clashing = clashes(found);
        QVERIFY2(clashing.isEmpty(),
                 qPrintable(where + QStringLiteral(": ") + clashing.join(QStringLiteral("; "))));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_exporter = Test::startExporterWithUnreachableAccount(m_dir.path());
        QVERIFY(m_exporter);
    }

    void cleanupTestCase()
    {
        Test::stopExporter(m_exporter);
        installTranslations(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void uniqueInEachWindow_data()
    {
        QTest::addColumn<QLocale>("locale");
        QTest::addColumn<QString>("quit");
        QTest::newRow("English") << QLocale(QLocale::English, QLocale::UnitedStates)
                                 << QStringLiteral("&Quit");
        QTest::newRow("German") << QLocale(QLocale::German, QLocale::Germany)
                                << QStringLiteral("&Beenden");
        QTest::newRow("French") << QLocale(QLocale::French, QLocale::France)
                                << QStringLiteral("&Quitter");
    }

    void uniqueInEachWindow()
    {
        QFETCH(QLocale, locale);
        QFETCH(QString, quit);
        QLocale::setDefault(locale);
        installTranslations(locale);

        TrayIcon tray(*m_exporter);
        const QList<QAction *> entries = tray.menu()->actions();
        QVERIFY2(!entries.isEmpty() && entries.last()->text() == quit,
                 "the menu is not in the language asked for");
        checkUnique(QStringLiteral("tray menu"), mnemonicsOf(tray.menu()), 6);

        DashboardWindow dashboard(*m_exporter);
        checkUnique(QStringLiteral("dashboard"), mnemonicsOf(&dashboard), 16);
        // Every tab of the dashboard has an Alt+letter of its own.
        const QTabWidget *tabs = dashboard.tabs();
        for (int i = 0; i < tabs->count(); ++i)
            QVERIFY2(!QKeySequence::mnemonic(tabs->tabText(i)).isEmpty(),
                     qPrintable(QStringLiteral("no mnemonic: ") + tabs->tabText(i)));
        // Paused, the same button reads "Resume".
        m_exporter->setPaused(true);
        DashboardWindow paused(*m_exporter);
        m_exporter->setPaused(false);
        checkUnique(QStringLiteral("paused dashboard"), mnemonicsOf(&paused), 16);

        for (const auto mode : {SettingsDialog::Mode::Edit, SettingsDialog::Mode::FirstRun}) {
            SettingsDialog settings(m_dir.filePath(QStringLiteral("absent/config.json")), mode);
            checkUnique(settings.objectName(), mnemonicsOf(&settings), 20);
        }
    }
};

QTEST_MAIN(TestMnemonics)
#include "tst_mnemonics.moc"
