#include "settingsdialog.h"

#include "imap/imapcommand.h"
#include "imap/imapsession.h"
#include "imap/oauth2tokensource.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QVBoxLayout>

namespace Dmarc::Ui {

namespace {

QLineEdit *lineEdit(const QString &objectName, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    return edit;
}

// The file's JSON, or an empty object when it does not exist or is not an object.
QJsonObject readJson(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// Sets `key` to `value`, or removes it when the value is empty.
void setOrRemove(QJsonObject &object, const QString &key, const QString &value)
{
    if (value.isEmpty())
        object.remove(key);
    else
        object.insert(key, value);
}

QJsonObject newAccount()
{
    return QJsonObject{{QStringLiteral("imap"), QJsonObject{{QStringLiteral("host"), QString()}}},
                       {QStringLiteral("folders"), QJsonObject{}}};
}

} // namespace

SettingsDialog::SettingsDialog(const QString &configPath, Mode mode, QWidget *parent)
    : QDialog(parent)
    , m_path(configPath)
    , m_mode(mode)
    , m_base(readJson(configPath))
{
    setObjectName(mode == Mode::FirstRun ? QStringLiteral("firstRunAssistant")
                                         : QStringLiteral("settingsDialog"));
    setWindowTitle(mode == Mode::FirstRun ? tr("Welcome to the DMARC metrics exporter")
                                          : tr("Settings"));
    auto *layout = new QVBoxLayout(this);
    if (mode == Mode::FirstRun) {
        auto *intro = new QLabel(
            tr("There is no configuration file yet. Enter the mailbox that receives your DMARC "
               "aggregate reports; the settings are saved to %1.")
                .arg(QDir::toNativeSeparators(configPath)),
            this);
        intro->setWordWrap(true);
        layout->addWidget(intro);
    }
    auto *tabs = new QTabWidget(this);
    tabs->addTab(buildAccounts(), tr("&Accounts"));
    tabs->addTab(buildGeneral(), tr("&General"));
    layout->addWidget(tabs);
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    layout->addWidget(buttons);

    const QJsonArray accounts = m_base.value(QStringLiteral("accounts")).toArray();
    for (const QJsonValue &account : accounts)
        m_accounts.append(account.toObject());
    if (m_accounts.isEmpty() && m_base.contains(QStringLiteral("imap"))) {
        m_accounts.append(
            QJsonObject{{QStringLiteral("imap"), m_base.value(QStringLiteral("imap"))},
                        {QStringLiteral("folders"), m_base.value(QStringLiteral("folders"))}});
    }
    if (m_accounts.isEmpty())
        m_accounts.append(newAccount());
    for (const QJsonObject &account : std::as_const(m_accounts)) {
        const QString name = account.value(QStringLiteral("name")).toString();
        m_accountList->addItem(name.isEmpty() ? account.value(QStringLiteral("imap"))
                                                    .toObject()
                                                    .value(QStringLiteral("username"))
                                                    .toString()
                                              : name);
    }
    m_accountList->setCurrentRow(0);
}

SettingsDialog::~SettingsDialog() = default;

bool SettingsDialog::ensureConfiguration(QString &configPath)
{
    if (QFileInfo::exists(configPath))
        return true;
    // The folder that would hold the file: the nearest one that exists (the rest is created).
    QFileInfo folder(QFileInfo(configPath).absolutePath());
    while (!folder.exists() && !folder.isRoot())
        folder = QFileInfo(folder.absolutePath());
    if (!folder.isWritable()) {
        configPath = QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
                     QStringLiteral("/config.json");
        if (QFileInfo::exists(configPath))
            return true;
    }
    SettingsDialog assistant(configPath, Mode::FirstRun);
    return assistant.exec() == QDialog::Accepted;
}

QWidget *SettingsDialog::buildGeneral()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_pollInterval = new QDoubleSpinBox(page);
    m_pollInterval->setObjectName(QStringLiteral("pollInterval"));
    m_pollInterval->setRange(1, 86400);
    m_pollInterval->setSuffix(tr(" s"));
    m_pollInterval->setValue(m_base.value(QStringLiteral("poll_interval_seconds")).toDouble(60));
    m_storagePath = lineEdit(QStringLiteral("storagePath"), page);
    const QString defaultStorage =
        m_mode == Mode::FirstRun
            ? QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
            : QStringLiteral("/var/lib/dmarc-metrics-exporter");
    m_storagePath->setText(m_base.value(QStringLiteral("storage_path")).toString(defaultStorage));
    m_listenAddress = lineEdit(QStringLiteral("listenAddress"), page);
    m_listenAddress->setText(
        m_base.value(QStringLiteral("listen_addr")).toString(QStringLiteral("127.0.0.1")));
    m_listenPort = new QSpinBox(page);
    m_listenPort->setObjectName(QStringLiteral("listenPort"));
    m_listenPort->setRange(0, 65535);
    m_listenPort->setValue(m_base.value(QStringLiteral("port")).toInt(9797));
    form->addRow(tr("&Poll interval:"), m_pollInterval);
    form->addRow(tr("S&torage folder:"), m_storagePath);
    form->addRow(tr("Metrics &address:"), m_listenAddress);
    form->addRow(tr("Metrics p&ort:"), m_listenPort);
    return page;
}

QWidget *SettingsDialog::buildAccounts()
{
    auto *page = new QWidget(this);
    auto *row = new QHBoxLayout(page);
    auto *left = new QVBoxLayout;
    m_accountList = new QListWidget(page);
    m_accountList->setObjectName(QStringLiteral("accountList"));
    m_accountList->setAccessibleName(tr("Accounts"));
    left->addWidget(m_accountList);
    auto *add = new QPushButton(tr("A&dd"), page);
    auto *remove = new QPushButton(tr("&Remove"), page);
    connect(add, &QPushButton::clicked, this, &SettingsDialog::addAccount);
    connect(remove, &QPushButton::clicked, this, &SettingsDialog::removeAccount);
    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(add);
    listButtons->addWidget(remove);
    left->addLayout(listButtons);
    row->addLayout(left, 1);

    auto *formWidget = new QWidget(page);
    m_accountForm = new QFormLayout(formWidget);
    m_name = lineEdit(QStringLiteral("accountName"), formWidget);
    m_name->setPlaceholderText(tr("optional, the user name when empty"));
    m_host = lineEdit(QStringLiteral("host"), formWidget);
    m_port = new QSpinBox(formWidget);
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(0, 65535);
    m_security = new QComboBox(formWidget);
    m_security->setObjectName(QStringLiteral("security"));
    m_security->addItem(tr("TLS (port 993)"));
    m_security->addItem(tr("STARTTLS (port 143)"));
    m_security->addItem(tr("None (unencrypted)"));
    m_verify = new QCheckBox(tr("&Verify the server certificate"), formWidget);
    m_auth = new QComboBox(formWidget);
    m_auth->setObjectName(QStringLiteral("auth"));
    m_auth->addItem(tr("Password (LOGIN)"), QStringLiteral("login"));
    m_auth->addItem(tr("Password (AUTHENTICATE PLAIN)"), QStringLiteral("plain"));
    m_auth->addItem(tr("OAuth2 (XOAUTH2)"), QStringLiteral("xoauth2"));
    m_auth->addItem(tr("OAuth2 (OAUTHBEARER)"), QStringLiteral("oauthbearer"));
    m_username = lineEdit(QStringLiteral("username"), formWidget);
    m_password = lineEdit(QStringLiteral("password"), formWidget);
    m_password->setEchoMode(QLineEdit::Password);
    m_tokenCommand = lineEdit(QStringLiteral("tokenCommand"), formWidget);
    m_tokenFile = lineEdit(QStringLiteral("tokenFile"), formWidget);
    m_tokenUrl = lineEdit(QStringLiteral("tokenUrl"), formWidget);
    m_clientId = lineEdit(QStringLiteral("clientId"), formWidget);
    m_clientSecret = lineEdit(QStringLiteral("clientSecret"), formWidget);
    m_clientSecret->setEchoMode(QLineEdit::Password);
    m_refreshToken = lineEdit(QStringLiteral("refreshToken"), formWidget);
    m_refreshToken->setEchoMode(QLineEdit::Password);
    m_inbox = lineEdit(QStringLiteral("inboxFolder"), formWidget);
    m_done = lineEdit(QStringLiteral("doneFolder"), formWidget);
    m_error = lineEdit(QStringLiteral("errorFolder"), formWidget);
    m_idle = new QCheckBox(tr("Use &IDLE when the server offers it"), formWidget);

    m_accountForm->addRow(tr("&Name:"), m_name);
    m_accountForm->addRow(tr("&Server:"), m_host);
    m_accountForm->addRow(tr("&Port:"), m_port);
    m_accountForm->addRow(tr("S&ecurity:"), m_security);
    m_accountForm->addRow(QString(), m_verify);
    m_accountForm->addRow(tr("A&uthentication:"), m_auth);
    m_accountForm->addRow(tr("&User name:"), m_username);
    m_accountForm->addRow(tr("Pass&word:"), m_password);
    m_accountForm->addRow(tr("Token command:"), m_tokenCommand);
    m_accountForm->addRow(tr("Token file:"), m_tokenFile);
    m_accountForm->addRow(tr("Token URL:"), m_tokenUrl);
    m_accountForm->addRow(tr("Client ID:"), m_clientId);
    m_accountForm->addRow(tr("Client secret:"), m_clientSecret);
    m_accountForm->addRow(tr("Refresh token:"), m_refreshToken);
    m_accountForm->addRow(tr("&Inbox folder:"), m_inbox);
    m_accountForm->addRow(tr("&Done folder:"), m_done);
    m_accountForm->addRow(tr("&Error folder:"), m_error);
    m_accountForm->addRow(QString(), m_idle);
    m_testButton = new QPushButton(tr("&Test connection"), formWidget);
    m_testButton->setObjectName(QStringLiteral("testButton"));
    connect(m_testButton, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    m_accountForm->addRow(QString(), m_testButton);
    row->addWidget(formWidget, 3);

    connect(m_accountList, &QListWidget::currentRowChanged, this, &SettingsDialog::selectAccount);
    connect(m_auth, &QComboBox::currentIndexChanged, this, &SettingsDialog::updateAuthFields);
    connect(m_security, &QComboBox::activated, this, &SettingsDialog::updateDefaultPort);
    connect(m_name, &QLineEdit::textEdited, this, [this](const QString &text) {
        if (QListWidgetItem *item = m_accountList->currentItem())
            item->setText(text.isEmpty() ? m_username->text() : text);
    });
    return page;
}

void SettingsDialog::updateAuthFields()
{
    const QString auth = m_auth->currentData().toString();
    const bool oauth = auth == QStringLiteral("xoauth2") || auth == QStringLiteral("oauthbearer");
    m_accountForm->setRowVisible(m_password, !oauth);
    for (QLineEdit *field :
         {m_tokenCommand, m_tokenFile, m_tokenUrl, m_clientId, m_clientSecret, m_refreshToken})
        m_accountForm->setRowVisible(field, oauth);
}

void SettingsDialog::updateDefaultPort()
{
    // Follow the security choice while the port is one of the standard ones.
    if (m_port->value() == 993 || m_port->value() == 143)
        m_port->setValue(m_security->currentIndex() == 0 ? 993 : 143);
}

void SettingsDialog::loadForm(const QJsonObject &account)
{
    const QJsonObject imap = account.value(QStringLiteral("imap")).toObject();
    const QJsonObject folders = account.value(QStringLiteral("folders")).toObject();
    const QJsonObject oauth2 = imap.value(QStringLiteral("oauth2")).toObject();
    m_name->setText(account.value(QStringLiteral("name")).toString());
    m_host->setText(imap.value(QStringLiteral("host")).toString(QStringLiteral("localhost")));
    const bool startTls = imap.value(QStringLiteral("starttls")).toBool(false);
    const bool useSsl = imap.value(QStringLiteral("use_ssl")).toBool(true);
    m_security->setCurrentIndex(startTls ? 1 : (useSsl ? 0 : 2));
    m_port->setValue(imap.value(QStringLiteral("port")).toInt(useSsl && !startTls ? 993 : 143));
    m_verify->setChecked(imap.value(QStringLiteral("verify_certificate")).toBool(true));
    m_auth->setCurrentIndex(std::max(
        0, m_auth->findData(imap.value(QStringLiteral("auth")).toString(QStringLiteral("login")))));
    m_username->setText(imap.value(QStringLiteral("username")).toString());
    m_password->setText(imap.value(QStringLiteral("password")).toString());
    m_password->setPlaceholderText(
        imap.contains(QStringLiteral("password_file"))
            ? tr("read from %1").arg(imap.value(QStringLiteral("password_file")).toString())
            : QString());
    m_tokenCommand->setText(oauth2.value(QStringLiteral("token_command")).toString());
    m_tokenFile->setText(oauth2.value(QStringLiteral("token_file")).toString());
    m_tokenUrl->setText(oauth2.value(QStringLiteral("token_url")).toString());
    m_clientId->setText(oauth2.value(QStringLiteral("client_id")).toString());
    m_clientSecret->setText(oauth2.value(QStringLiteral("client_secret")).toString());
    m_refreshToken->setText(oauth2.value(QStringLiteral("refresh_token")).toString());
    m_inbox->setText(folders.value(QStringLiteral("inbox")).toString(QStringLiteral("INBOX")));
    m_done->setText(folders.value(QStringLiteral("done")).toString(QStringLiteral("Archive")));
    m_error->setText(folders.value(QStringLiteral("error")).toString(QStringLiteral("Invalid")));
    m_idle->setChecked(imap.value(QStringLiteral("idle")).toBool(true));
    updateAuthFields();
}

QJsonObject SettingsDialog::formJson(const QJsonObject &original) const
{
    QJsonObject account = original;
    QJsonObject imap = original.value(QStringLiteral("imap")).toObject();
    QJsonObject folders = original.value(QStringLiteral("folders")).toObject();
    setOrRemove(account, QStringLiteral("name"), m_name->text().trimmed());
    imap.insert(QStringLiteral("host"), m_host->text().trimmed());
    imap.insert(QStringLiteral("port"), m_port->value());
    imap.insert(QStringLiteral("use_ssl"), m_security->currentIndex() == 0);
    if (m_security->currentIndex() == 1)
        imap.insert(QStringLiteral("starttls"), true);
    else
        imap.remove(QStringLiteral("starttls"));
    imap.insert(QStringLiteral("verify_certificate"), m_verify->isChecked());
    const QString auth = m_auth->currentData().toString();
    imap.insert(QStringLiteral("auth"), auth);
    imap.insert(QStringLiteral("username"), m_username->text().trimmed());
    const bool oauth = auth == QStringLiteral("xoauth2") || auth == QStringLiteral("oauthbearer");
    if (oauth) {
        imap.remove(QStringLiteral("password"));
        QJsonObject oauth2 = imap.value(QStringLiteral("oauth2")).toObject();
        setOrRemove(oauth2, QStringLiteral("token_command"), m_tokenCommand->text().trimmed());
        setOrRemove(oauth2, QStringLiteral("token_file"), m_tokenFile->text().trimmed());
        setOrRemove(oauth2, QStringLiteral("token_url"), m_tokenUrl->text().trimmed());
        setOrRemove(oauth2, QStringLiteral("client_id"), m_clientId->text().trimmed());
        setOrRemove(oauth2, QStringLiteral("client_secret"), m_clientSecret->text());
        setOrRemove(oauth2, QStringLiteral("refresh_token"), m_refreshToken->text());
        imap.insert(QStringLiteral("oauth2"), oauth2);
    } else {
        imap.remove(QStringLiteral("oauth2"));
        // An empty field keeps password_file (or the environment variable) in charge.
        if (!m_password->text().isEmpty()) {
            imap.insert(QStringLiteral("password"), m_password->text());
            imap.remove(QStringLiteral("password_file"));
        } else {
            imap.remove(QStringLiteral("password"));
        }
    }
    imap.insert(QStringLiteral("idle"), m_idle->isChecked());
    folders.insert(QStringLiteral("inbox"), m_inbox->text().trimmed());
    folders.insert(QStringLiteral("done"), m_done->text().trimmed());
    folders.insert(QStringLiteral("error"), m_error->text().trimmed());
    account.insert(QStringLiteral("imap"), imap);
    account.insert(QStringLiteral("folders"), folders);
    return account;
}

void SettingsDialog::storeForm()
{
    if (m_current >= 0 && m_current < m_accounts.size())
        m_accounts[m_current] = formJson(m_accounts.at(m_current));
}

void SettingsDialog::selectAccount(int row)
{
    storeForm();
    m_current = row;
    if (row >= 0 && row < m_accounts.size())
        loadForm(m_accounts.at(row));
}

void SettingsDialog::addAccount()
{
    storeForm();
    m_accounts.append(newAccount());
    m_accountList->addItem(tr("New account"));
    m_current = -1;
    m_accountList->setCurrentRow(int(m_accounts.size()) - 1);
    m_host->setFocus();
}

void SettingsDialog::removeAccount()
{
    const int row = m_accountList->currentRow();
    if (row < 0 || m_accounts.size() <= 1)
        return;
    m_current = -1;
    m_accounts.removeAt(row);
    delete m_accountList->takeItem(row);
    selectAccount(m_accountList->currentRow());
}

QJsonObject SettingsDialog::configJson()
{
    storeForm();
    QJsonObject root = m_base;
    root.remove(QStringLiteral("imap"));
    root.remove(QStringLiteral("folders"));
    QJsonArray accounts;
    for (const QJsonObject &account : std::as_const(m_accounts))
        accounts.append(account);
    root.insert(QStringLiteral("accounts"), accounts);
    root.insert(QStringLiteral("listen_addr"), m_listenAddress->text().trimmed());
    root.insert(QStringLiteral("port"), m_listenPort->value());
    root.insert(QStringLiteral("poll_interval_seconds"), m_pollInterval->value());
    root.insert(QStringLiteral("storage_path"), m_storagePath->text().trimmed());
    return root;
}

Result<Config> SettingsDialog::validate()
{
    return parseConfig(QJsonDocument(configJson()).toJson(), m_path, systemEnvironment());
}

Result<void> SettingsDialog::save()
{
    if (auto checked = validate(); !checked)
        return checked.error();
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath()))
        return Error{QStringLiteral("io"), tr("cannot create %1").arg(info.absolutePath())};
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return Error{QStringLiteral("io"),
                     tr("cannot write %1: %2").arg(m_path, file.errorString())};
    // Passwords live in this file: only its owner may read it, from the first byte on.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(QJsonDocument(configJson()).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return Error{QStringLiteral("io"),
                     tr("cannot write %1: %2").arg(m_path, file.errorString())};
    return {};
}

void SettingsDialog::accept()
{
    if (auto saved = save(); !saved) {
        showMessage(saved.error().message, true);
        return;
    }
    QDialog::accept();
}

void SettingsDialog::showMessage(const QString &text, bool error)
{
    QPalette pal = palette();
    if (error)
        pal.setColor(QPalette::WindowText, QColor(220, 50, 47));
    m_message->setPalette(pal);
    m_message->setText(text);
}

void SettingsDialog::testConnection()
{
    const auto config = validate();
    if (!config) {
        finishTest(false, config.error().message);
        return;
    }
    const int index = std::max(0, m_accountList->currentRow());
    const ImapSettings settings = config->accounts.value(index);
    m_testButton->setEnabled(false);
    if (settings.auth != ImapSettings::Auth::XOAuth2 &&
        settings.auth != ImapSettings::Auth::OAuthBearer) {
        openTestSession(settings, QString());
        return;
    }
    showMessage(tr("Getting an OAuth2 access token…"), false);
    delete m_tokens;
    m_tokens = new OAuth2TokenSource(settings.oauth2, settings.timeoutSeconds, this);
    connect(m_tokens, &OAuth2TokenSource::finished, this,
            [this, settings](const Result<QString> &token) {
                if (token)
                    openTestSession(settings, *token);
                else
                    finishTest(false, token.error().message);
            });
    m_tokens->request(false);
}

void SettingsDialog::openTestSession(const ImapSettings &settings, const QString &accessToken)
{
    delete m_session;
    m_folders.clear();
    m_session = new Imap::ImapSession(settings, this);
    showMessage(tr("Connecting to %1…").arg(settings.host), false);
    connect(m_session, &Imap::ImapSession::failed, this,
            [this](const Error &error) { finishTest(false, error.message); });
    connect(m_session, &Imap::ImapSession::untagged, this, [this](const Imap::ImapResponse &r) {
        if (r.name == "LIST" && r.values.size() >= 3)
            m_folders.append(Imap::decodeMailboxName(r.values.at(2).text()));
    });
    connect(m_session, &Imap::ImapSession::ready, this, [this] {
        m_session->send(
            m_session->command("LIST").astring("").astring("*").build(),
            [this](const Imap::ImapResponse &tagged) {
                if (tagged.name == "OK")
                    finishTest(
                        true,
                        tr("Logged in. Folders: %1").arg(m_folders.join(QStringLiteral(", "))));
                else
                    finishTest(false, tr("LIST failed: %1").arg(QString::fromUtf8(tagged.text)));
                m_session->logout();
            });
    });
    m_session->open(accessToken);
}

void SettingsDialog::finishTest(bool ok, const QString &text)
{
    m_testButton->setEnabled(true);
    showMessage(text, !ok);
    Q_EMIT connectionTested(ok, text);
}

} // namespace Dmarc::Ui
