#pragma once

#include "common/result.h"
#include "config/config.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace Dmarc {
class AccountTest;
}

namespace Dmarc::Ui {

// Edits the configuration file: accounts (server, security, login or OAuth2, folders), poll
// interval, storage and the metrics endpoint; and whether the program starts at login, on this
// file. Reads the file into a Config, writes it back with toJson() after checking it with the
// loader's own parser, atomically with mode 0600 (it holds passwords); keys without a field,
// even unknown ones, survive. Without a file it is the first-run assistant.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Mode
    {
        Edit,
        FirstRun
    };

    SettingsDialog(const QString &configPath, Mode mode, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    // What keeps the program from starting on the file, shown above the fields.
    void setProblem(const QString &text);
    // A metrics port in place of the file's (the setup's free port).
    void proposeListenPort(quint16 port);

    // The configuration as the fields describe it.
    Config config();
    // What the loader would say about it.
    Result<Config> validate();
    // Validates, then writes the file atomically with mode 0600.
    Result<void> save();
    // Logs in to the selected account (getting an OAuth2 token first where needed) and lists
    // its folders; the result shows in the dialog.
    void testConnection();
    QString configPath() const { return m_path; }

    void accept() override;

Q_SIGNALS:
    // The connection test ended: ok with the folders, or the error.
    void connectionTested(bool ok, const QString &text);

private:
    QWidget *buildGeneral();
    QWidget *buildAccounts();
    void addAccount();
    void removeAccount();
    void selectAccount(int row);
    void loadForm(const ConfigAccount &account);
    void readForm(ConfigAccount &account) const;
    void storeForm();
    void updateAuthFields();
    void updateDefaultPort();
    void chooseCaFile();
    void useCaFile(const QString &chosen);
    void showMessage(const QString &text, bool error);
    void finishTest(bool ok, const QString &text);

    QString m_path;
    Mode m_mode;
    Config m_config; // the file as read, the accounts as last edited
    int m_current = -1;

    QLineEdit *m_listenAddress;
    QSpinBox *m_listenPort;
    QDoubleSpinBox *m_pollInterval;
    QLineEdit *m_storagePath;
    QCheckBox *m_startAtLogin;
    QLabel *m_problem;

    QListWidget *m_accountList;
    QLineEdit *m_name;
    QLineEdit *m_host;
    QSpinBox *m_port;
    QComboBox *m_security;
    QCheckBox *m_verify;
    QLineEdit *m_caFile;
    QComboBox *m_auth;
    QLineEdit *m_username;
    QLineEdit *m_password;
    QLineEdit *m_tokenCommand;
    QLineEdit *m_tokenFile;
    QLineEdit *m_tokenUrl;
    QLineEdit *m_clientId;
    QLineEdit *m_clientSecret;
    QLineEdit *m_refreshToken;
    QLineEdit *m_inbox;
    QLineEdit *m_done;
    QLineEdit *m_error;
    QCheckBox *m_idle;
    QFormLayout *m_accountForm;
    QPushButton *m_testButton;
    QLabel *m_message;
    AccountTest *m_test = nullptr;
};

} // namespace Dmarc::Ui
