#include "settingsdialog.h"

#include "autostart.h"
#include "durationspinbox.h"
#include "service/accounttest.h"
#include "setupassistant.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
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

// A new account starts without a server, for the person to name one.
ConfigAccount newAccount()
{
    ConfigAccount account;
    account.host.clear();
    return account;
}

// The file as far as it can be read, and in `problems` what is wrong with it. Without a file,
// the defaults, storing below the person's own data folder in the first-run assistant.
Config readConfig(const QString &path, SettingsDialog::Mode mode, QString *problems)
{
    Config config;
    QFile file(path);
    if (file.open(QIODevice::ReadOnly))
        config = parseConfigLeniently(file.readAll(), path, systemEnvironment(), problems);
    else if (mode == SettingsDialog::Mode::FirstRun)
        config.storagePath = SetupAssistant::userStoragePath();
    if (config.accounts.isEmpty())
        config.accounts.append(newAccount());
    return config;
}

// Combo boxes hold the enum values of their choices as item data.
// Whether `path` holds a certificate in PEM form, as a CA file must.
bool holdsPemCertificate(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) && file.readAll().contains("-----BEGIN CERTIFICATE-----");
}

template<typename Enum>
Enum currentValue(const QComboBox *box)
{
    return static_cast<Enum>(box->currentData().toInt());
}

template<typename Enum>
void selectValue(QComboBox *box, Enum value)
{
    box->setCurrentIndex(std::max(0, box->findData(int(value))));
}

} // namespace

SettingsDialog::SettingsDialog(const QString &configPath, Mode mode, QWidget *parent)
    : QDialog(parent)
    , m_path(configPath)
    , m_mode(mode)
{
    QString problems;
    m_config = readConfig(configPath, mode, &problems);
    setObjectName(mode == Mode::FirstRun ? QStringLiteral("firstRunAssistant")
                                         : QStringLiteral("settingsDialog"));
    setWindowTitle(mode == Mode::FirstRun ? tr("Welcome to the DMARC metrics exporter")
                                          : tr("Settings"));
    auto *layout = new QVBoxLayout(this);
    m_problem = new QLabel(this);
    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->hide();
    layout->addWidget(m_problem);
    if (mode == Mode::FirstRun) {
        auto *intro = new QLabel(tr("Enter the mailbox that receives your DMARC aggregate "
                                    "reports; the settings are saved to %1.")
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

    if (!problems.isEmpty())
        showMessage(problems, true);
    for (const ConfigAccount &account : std::as_const(m_config.accounts))
        m_accountList->addItem(account.displayName());
    m_accountList->setCurrentRow(0);
    // The assistant asks for a server first.
    if (mode == Mode::FirstRun)
        m_host->setFocus();
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::setProblem(const QString &text)
{
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

void SettingsDialog::proposeListenPort(quint16 port)
{
    m_listenPort->setValue(port);
}

QWidget *SettingsDialog::buildGeneral()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_pollInterval = new DurationSpinBox(page);
    m_pollInterval->setObjectName(QStringLiteral("pollInterval"));
    m_pollInterval->setRange(1, 86400);
    m_pollInterval->setValue(m_config.pollIntervalSeconds);
    m_storagePath = lineEdit(QStringLiteral("storagePath"), page);
    m_storagePath->setText(m_config.storagePath);
    m_listenAddress = lineEdit(QStringLiteral("listenAddress"), page);
    m_listenAddress->setText(m_config.endpoint.listenAddress);
    m_listenPort = new QSpinBox(page);
    m_listenPort->setObjectName(QStringLiteral("listenPort"));
    m_listenPort->setRange(0, 65535);
    m_listenPort->setValue(m_config.endpoint.port);
    form->addRow(tr("&Poll interval:"), m_pollInterval);
    form->addRow(tr("S&torage folder:"), m_storagePath);
    form->addRow(tr("Metrics a&ddress:"), m_listenAddress);
    form->addRow(tr("Metrics p&ort:"), m_listenPort);
    m_startAtLogin = new QCheckBox(tr("Start automaticall&y at login"), page);
    m_startAtLogin->setObjectName(QStringLiteral("startAtLogin"));
    m_startAtLogin->setChecked(Autostart::isEnabled());
    form->addRow(QString(), m_startAtLogin);
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
    auto *remove = new QPushButton(tr("Re&move"), page);
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
    m_security->addItem(tr("TLS (port 993)"), int(ImapSettings::Security::ImplicitTls));
    m_security->addItem(tr("STARTTLS (port 143)"), int(ImapSettings::Security::StartTls));
    m_security->addItem(tr("None (unencrypted)"), int(ImapSettings::Security::Plain));
    m_verify = new QCheckBox(tr("&Verify the server certificate"), formWidget);
    m_caFile = lineEdit(QStringLiteral("caFile"), formWidget);
    m_caFile->setPlaceholderText(tr("optional, the PEM file of a private CA"));
    m_caFile->setToolTip(tr("Trust server certificates issued by this CA, in addition to the "
                            "system's CAs"));
    auto *caBrowse = new QPushButton(tr("&Browse…"), formWidget);
    caBrowse->setObjectName(QStringLiteral("caFileBrowse"));
    connect(caBrowse, &QPushButton::clicked, this, &SettingsDialog::chooseCaFile);
    auto *caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(caBrowse);
    m_auth = new QComboBox(formWidget);
    m_auth->setObjectName(QStringLiteral("auth"));
    m_auth->addItem(tr("Password (LOGIN)"), int(ImapSettings::Auth::Login));
    m_auth->addItem(tr("Password (AUTHENTICATE PLAIN)"), int(ImapSettings::Auth::Plain));
    m_auth->addItem(tr("OAuth2 (XOAUTH2)"), int(ImapSettings::Auth::XOAuth2));
    m_auth->addItem(tr("OAuth2 (OAUTHBEARER)"), int(ImapSettings::Auth::OAuthBearer));
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
    m_idle = new QCheckBox(tr("Use ID&LE when the server offers it"), formWidget);

    m_accountForm->addRow(tr("&Name:"), m_name);
    m_accountForm->addRow(tr("Se&rver:"), m_host);
    m_accountForm->addRow(tr("&Port:"), m_port);
    m_accountForm->addRow(tr("S&ecurity:"), m_security);
    m_accountForm->addRow(QString(), m_verify);
    m_accountForm->addRow(tr("CA file:"), caRow);
    m_accountForm->addRow(tr("Aut&hentication:"), m_auth);
    m_accountForm->addRow(tr("&User name:"), m_username);
    m_accountForm->addRow(tr("Pass&word:"), m_password);
    m_accountForm->addRow(tr("Token command:"), m_tokenCommand);
    m_accountForm->addRow(tr("Token file:"), m_tokenFile);
    m_accountForm->addRow(tr("Token URL:"), m_tokenUrl);
    m_accountForm->addRow(tr("Client ID:"), m_clientId);
    m_accountForm->addRow(tr("Client secret:"), m_clientSecret);
    m_accountForm->addRow(tr("Refresh token:"), m_refreshToken);
    m_accountForm->addRow(tr("&Inbox folder:"), m_inbox);
    m_accountForm->addRow(tr("D&one folder:"), m_done);
    m_accountForm->addRow(tr("Error &folder:"), m_error);
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
    const bool oauth = isOAuth2(currentValue<ImapSettings::Auth>(m_auth));
    m_accountForm->setRowVisible(m_password, !oauth);
    for (QLineEdit *field :
         {m_tokenCommand, m_tokenFile, m_tokenUrl, m_clientId, m_clientSecret, m_refreshToken})
        m_accountForm->setRowVisible(field, oauth);
}

void SettingsDialog::updateDefaultPort()
{
    // Follow the security choice while the port is one of the standard ones.
    for (int i = 0; i < m_security->count(); ++i) {
        const auto security = ImapSettings::Security(m_security->itemData(i).toInt());
        if (m_port->value() == ImapSettings::defaultPort(security)) {
            m_port->setValue(
                ImapSettings::defaultPort(currentValue<ImapSettings::Security>(m_security)));
            return;
        }
    }
}

void SettingsDialog::loadForm(const ConfigAccount &account)
{
    m_name->setText(account.accountName);
    m_host->setText(account.host);
    selectValue(m_security, account.security);
    m_port->setValue(account.port);
    m_verify->setChecked(account.verifyCertificate);
    m_caFile->setText(account.caFile);
    selectValue(m_auth, account.auth);
    m_username->setText(account.username);
    // The field shows a password of the file's own; one from a file or the environment stays
    // there.
    using Source = ConfigAccount::PasswordSource;
    m_password->setText(account.passwordSource == Source::Config ? account.password : QString());
    m_password->setPlaceholderText(account.passwordSource == Source::File
                                       ? tr("read from %1").arg(account.passwordFile)
                                       : QString());
    m_tokenCommand->setText(account.oauth2.tokenCommand);
    m_tokenFile->setText(account.oauth2.tokenFile);
    m_tokenUrl->setText(account.oauth2.tokenUrl);
    m_clientId->setText(account.oauth2.clientId);
    m_clientSecret->setText(account.oauth2.clientSecret);
    m_refreshToken->setText(account.oauth2.refreshToken);
    m_inbox->setText(account.inboxFolder);
    m_done->setText(account.doneFolder);
    m_error->setText(account.errorFolder);
    m_idle->setChecked(account.idle);
    updateAuthFields();
}

void SettingsDialog::readForm(ConfigAccount &account) const
{
    using Source = ConfigAccount::PasswordSource;
    account.accountName = m_name->text().trimmed();
    account.host = m_host->text().trimmed();
    account.port = quint16(m_port->value());
    account.security = currentValue<ImapSettings::Security>(m_security);
    account.verifyCertificate = m_verify->isChecked();
    account.caFile = m_caFile->text().trimmed();
    account.auth = currentValue<ImapSettings::Auth>(m_auth);
    account.username = m_username->text().trimmed();
    const bool typedPassword = !isOAuth2(account.auth) && !m_password->text().isEmpty();
    if (isOAuth2(account.auth)) {
        account.oauth2.tokenCommand = m_tokenCommand->text().trimmed();
        account.oauth2.tokenFile = m_tokenFile->text().trimmed();
        account.oauth2.tokenUrl = m_tokenUrl->text().trimmed();
        account.oauth2.clientId = m_clientId->text().trimmed();
        account.oauth2.clientSecret = m_clientSecret->text();
        account.oauth2.refreshToken = m_refreshToken->text();
    } else {
        account.oauth2 = OAuth2Settings();
    }
    if (typedPassword) {
        account.password = m_password->text();
        account.passwordSource = Source::Config;
        account.passwordFile.clear();
    } else if (account.passwordSource == Source::Config ||
               (account.passwordSource == Source::Environment && isOAuth2(account.auth))) {
        // An empty field leaves the password to password_file or the environment variable, as
        // the reader does; OAuth2 uses neither that variable nor the file's password.
        account.password.clear();
        account.passwordSource = Source::None;
    }
    account.inboxFolder = m_inbox->text().trimmed();
    account.doneFolder = m_done->text().trimmed();
    account.errorFolder = m_error->text().trimmed();
    account.idle = m_idle->isChecked();
}

void SettingsDialog::storeForm()
{
    if (m_current >= 0 && m_current < m_config.accounts.size())
        readForm(m_config.accounts[m_current]);
}

void SettingsDialog::selectAccount(int row)
{
    storeForm();
    m_current = row;
    if (row >= 0 && row < m_config.accounts.size())
        loadForm(m_config.accounts.at(row));
}

void SettingsDialog::addAccount()
{
    storeForm();
    m_config.accounts.append(newAccount());
    m_accountList->addItem(tr("New account"));
    m_current = -1;
    m_accountList->setCurrentRow(int(m_config.accounts.size()) - 1);
    m_host->setFocus();
}

void SettingsDialog::removeAccount()
{
    const int row = m_accountList->currentRow();
    if (row < 0 || m_config.accounts.size() <= 1)
        return;
    m_current = -1;
    m_config.accounts.removeAt(row);
    delete m_accountList->takeItem(row);
    selectAccount(m_accountList->currentRow());
}

Config SettingsDialog::config()
{
    storeForm();
    Config config = m_config;
    config.endpoint.listenAddress = m_listenAddress->text().trimmed();
    config.endpoint.port = quint16(m_listenPort->value());
    config.pollIntervalSeconds = m_pollInterval->value();
    const QString storagePath = m_storagePath->text().trimmed();
    if (storagePath != config.storagePath) {
        config.storagePath = storagePath;
        config.storagePathFromEnvironment = false;
    }
    // Each account polls at the common interval, as the reader sets it.
    for (ConfigAccount &account : config.accounts)
        account.pollIntervalSeconds = config.pollIntervalSeconds;
    return config;
}

Result<Config> SettingsDialog::validate()
{
    Result<Config> parsed =
        parseConfig(toJson(config(), ConfigForm::File), m_path, systemEnvironment());
    if (!parsed)
        return parsed;
    for (const ConfigAccount &account : std::as_const(parsed->accounts)) {
        if (!account.caFile.isEmpty() && !holdsPemCertificate(account.caFile))
            return Error{QStringLiteral("config"), tr("%1: the CA file %2 holds no PEM certificate")
                                                       .arg(account.displayName(), account.caFile)};
    }
    return parsed;
}

void SettingsDialog::chooseCaFile()
{
    // Modal to this window, with no event loop of its own: the choice comes back as a signal.
    auto *chooser =
        new QFileDialog(this, tr("CA certificate file"), QFileInfo(m_caFile->text()).absolutePath(),
                        tr("PEM certificates (*.pem *.crt *.cer);;All files (*)"));
    chooser->setObjectName(QStringLiteral("caFileChooser"));
    chooser->setFileMode(QFileDialog::ExistingFile);
    chooser->setAttribute(Qt::WA_DeleteOnClose);
    connect(chooser, &QFileDialog::fileSelected, this, &SettingsDialog::useCaFile);
    chooser->open();
}

void SettingsDialog::useCaFile(const QString &chosen)
{
    if (chosen.isEmpty())
        return;
    m_caFile->setText(chosen);
    if (holdsPemCertificate(chosen))
        showMessage(QString(), false);
    else
        showMessage(tr("%1 holds no PEM certificate").arg(chosen), true);
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
    file.write(toJson(config(), ConfigForm::File));
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
    const Result<void> autostart =
        m_startAtLogin->isChecked() ? Autostart::enable(m_path) : Autostart::disable();
    if (!autostart) {
        showMessage(autostart.error().message, true);
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
    showMessage(tr("Connecting to %1…").arg(settings.host), false);
    delete m_test;
    m_test = new AccountTest(settings, this);
    connect(m_test, &AccountTest::finished, this, [this](const Result<QStringList> &folders) {
        if (folders)
            finishTest(true, tr("Logged in. Folders: %1").arg(folders->join(QStringLiteral(", "))));
        else
            finishTest(false, folders.error().message);
    });
    m_test->start();
}

void SettingsDialog::finishTest(bool ok, const QString &text)
{
    m_testButton->setEnabled(true);
    showMessage(text, !ok);
    Q_EMIT connectionTested(ok, text);
}

} // namespace Dmarc::Ui
