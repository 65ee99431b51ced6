<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Dmarc::Ui::ActivityLogView</name>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
    <message>
        <source>(no sender)</source>
        <translation>(kein Absender)</translation>
    </message>
    <message numerus="yes">
        <source>%n duplicate(s)</source>
        <translation>
            <numerusform>%n Duplikat</numerusform>
            <numerusform>%n Duplikate</numerusform>
        </translation>
    </message>
    <message>
        <source>invalid: %1</source>
        <translation>ungültig: %1</translation>
    </message>
    <message>
        <source>moved to %1</source>
        <translation>verschoben nach %1</translation>
    </message>
    <message>
        <source>%1: decided before, moved to %2 now</source>
        <translation>%1: bereits entschieden, jetzt nach %2 verschoben</translation>
    </message>
    <message>
        <source>Checked: nothing new</source>
        <translation>Geprüft: nichts Neues</translation>
    </message>
    <message>
        <source>Check failed: %1</source>
        <translation>Prüfung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Recent activity</source>
        <translation>Letzte Aktivität</translation>
    </message>
    <message>
        <source>Cannot read the recent activity: %1</source>
        <translation>Die letzte Aktivität kann nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n report(s) counted</source>
        <translation>
            <numerusform>%n Bericht gezählt</numerusform>
            <numerusform>%n Berichte gezählt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n TLS report(s) counted</source>
        <translation>
            <numerusform>%n TLS-Bericht gezählt</numerusform>
            <numerusform>%n TLS-Berichte gezählt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failure report(s) counted</source>
        <translation>
            <numerusform>%n Fehlerbericht gezählt</numerusform>
            <numerusform>%n Fehlerberichte gezählt</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 from %2: %3</source>
        <translation>%1 von %2: %3</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::Autostart</name>
    <message>
        <source>cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>cannot remove %1: %2</source>
        <translation>%1 kann nicht entfernt werden: %2</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::CountsTableModel</name>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>DMARC compliant</source>
        <translation>DMARC-konform</translation>
    </message>
    <message>
        <source>DKIM aligned</source>
        <translation>DKIM-ausgerichtet</translation>
    </message>
    <message>
        <source>SPF aligned</source>
        <translation>SPF-ausgerichtet</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>Quarantäne</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgewiesen</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Gesamter Zeitraum</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::DashboardWindow</name>
    <message>
        <source>TLS report %1 from %2 (%3)</source>
        <translation>TLS-Bericht %1 von %2 (%3)</translation>
    </message>
    <message>
        <source>  %1 (%2): %3 successful, %4 failed sessions</source>
        <translation>  %1 (%2): %3 erfolgreiche, %4 fehlgeschlagene Sitzungen</translation>
    </message>
    <message>
        <source>Failure report for %1 (%2): auth failure %3, alignment %4, delivery %5</source>
        <translation>Fehlerbericht für %1 (%2): Authentifizierungsfehler %3, Ausrichtung %4, Zustellung %5</translation>
    </message>
    <message>
        <source>T&amp;LS</source>
        <translation>T&amp;LS</translation>
    </message>
    <message>
        <source>&amp;Failure reports</source>
        <translation>Fehler&amp;berichte</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>Suchen…</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>DMARC compliant</source>
        <translation>DMARC-konform</translation>
    </message>
    <message>
        <source>SPF aligned</source>
        <translation>SPF-ausgerichtet</translation>
    </message>
    <message>
        <source>DKIM aligned</source>
        <translation>DKIM-ausgerichtet</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>Quarantäne</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgewiesen</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Berichte</translation>
    </message>
    <message>
        <source>Invalid reports</source>
        <translation>Ungültige Berichte</translation>
    </message>
    <message>
        <source>DMARC dashboard</source>
        <translation>DMARC-Übersicht</translation>
    </message>
    <message>
        <source>Sending domain</source>
        <translation>Absenderdomain</translation>
    </message>
    <message>
        <source>Sending &amp;domains</source>
        <translation>Absender&amp;domains</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>Berichtender</translation>
    </message>
    <message>
        <source>R&amp;eporters</source>
        <translation>B&amp;erichtende</translation>
    </message>
    <message>
        <source>DKIM domain</source>
        <translation>DKIM-Domain</translation>
    </message>
    <message>
        <source>D&amp;KIM domains</source>
        <translation>D&amp;KIM-Domains</translation>
    </message>
    <message>
        <source>SPF domain</source>
        <translation>SPF-Domain</translation>
    </message>
    <message>
        <source>S&amp;PF domains</source>
        <translation>S&amp;PF-Domains</translation>
    </message>
    <message>
        <source>So&amp;urces</source>
        <translation>&amp;Quellen</translation>
    </message>
    <message>
        <source>Recent rep&amp;orts</source>
        <translation>Letzte Beri&amp;chte</translation>
    </message>
    <message>
        <source>S&amp;tatus and activity</source>
        <translation>S&amp;tatus und Aktivität</translation>
    </message>
    <message>
        <source>Saving failed, nothing of the batch was counted: %1</source>
        <translation>Speichern fehlgeschlagen, nichts aus dem Stapel wurde gezählt: %1</translation>
    </message>
    <message>
        <source>Reports cannot be saved: %1. The emails stay in the inbox; the next try is at %2.</source>
        <translation>Berichte können nicht gespeichert werden: %1. Die E-Mails bleiben im Posteingang; nächster Versuch um %2.</translation>
    </message>
    <message>
        <source>No report was refused by the limits on label sets or the own domains since the start.</source>
        <translation>Seit dem Start wurde kein Bericht wegen der Grenzen für Label-Sets oder der eigenen Domains abgelehnt.</translation>
    </message>
    <message>
        <source>Reports refused since the start: %1 with more label sets than limits.max_label_sets_per_report, %2 past limits.max_label_sets, %3 for a domain not in domains.</source>
        <translation>Seit dem Start abgelehnte Berichte: %1 mit mehr Label-Sets als limits.max_label_sets_per_report, %2 über limits.max_label_sets hinaus, %3 für eine Domain, die nicht in domains steht.</translation>
    </message>
    <message>
        <source>Reports refused to keep the number of series bounded: %1. Their emails are in the error folder; see Status and activity.</source>
        <translation>Abgelehnte Berichte, damit die Zahl der Zeitreihen begrenzt bleibt: %1. Ihre E-Mails liegen im Fehlerordner; siehe Status und Aktivität.</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Ra&amp;nge:</source>
        <translation>&amp;Zeitraum:</translation>
    </message>
    <message>
        <source>&amp;Check now</source>
        <translation>&amp;Jetzt prüfen</translation>
    </message>
    <message>
        <source>&amp;Metrics page</source>
        <translation>&amp;Metrikseite</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>Ein&amp;stellungen…</translation>
    </message>
    <message>
        <source>Double-click (or Enter) a row to see the label sets behind it</source>
        <translation>Doppelklick (oder Eingabetaste) auf eine Zeile zeigt die Label-Kombinationen dahinter</translation>
    </message>
    <message>
        <source>&amp;Inspect a report file…</source>
        <translation>Berichtsdatei &amp;untersuchen…</translation>
    </message>
    <message>
        <source>Shows what the exporter makes of an email, XML, gzip or zip file, without counting it</source>
        <translation>Zeigt, was der Exporter aus einer E-Mail-, XML-, gzip- oder zip-Datei macht, ohne sie zu zählen</translation>
    </message>
    <message>
        <source>Inspect a report file</source>
        <translation>Berichtsdatei untersuchen</translation>
    </message>
    <message>
        <source>Reports (*.eml *.xml *.gz *.zip *.json);;All files (*)</source>
        <translation>Berichte (*.eml *.xml *.gz *.zip *.json);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Last check</source>
        <translation>Letzte Prüfung</translation>
    </message>
    <message>
        <source>Next check</source>
        <translation>Nächste Prüfung</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Letzter Fehler</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instanz</translation>
    </message>
    <message>
        <source>Recent activity</source>
        <translation>Letzte Aktivität</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <source>Cannot read the store: %1</source>
        <translation>Der Speicher kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Inspect %1</source>
        <translation>%1 untersuchen</translation>
    </message>
    <message>
        <source>Valid: would be counted and moved to the done folder.</source>
        <translation>Gültig: würde gezählt und in den Ordner für erledigte Berichte verschoben.</translation>
    </message>
    <message>
        <source>Invalid: would be counted as an invalid report and moved to the error folder.</source>
        <translation>Ungültig: würde als ungültiger Bericht gezählt und in den Fehlerordner verschoben.</translation>
    </message>
    <message>
        <source>From: %1</source>
        <translation>Von: %1</translation>
    </message>
    <message>
        <source>No report attachment found.</source>
        <translation>Kein Berichtsanhang gefunden.</translation>
    </message>
    <message>
        <source>Report %1 from %2 (%3): %4 records, %5 messages, policy %6 p=%7</source>
        <translation>Bericht %1 von %2 (%3): %4 Einträge, %5 Nachrichten, Richtlinie %6 p=%7</translation>
    </message>
    <message>
        <source>Failed: %1: %2</source>
        <translation>Fehlgeschlagen: %1: %2</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>P&amp;ause</source>
        <translation>P&amp;ausieren</translation>
    </message>
    <message>
        <source>Double-click (or Enter) a report for its details</source>
        <translation>Doppelklick (oder Eingabetaste) zeigt die Einzelheiten eines Berichts</translation>
    </message>
    <message>
        <source>Every figure of the dashboard counts a report on the day its date range begins, in UTC; reports describe a whole day and arrive the day after.</source>
        <translation>Jede Zahl des Dashboards zählt einen Bericht an dem Tag, an dem sein Zeitraum beginnt, in UTC; Berichte beschreiben einen ganzen Tag und kommen am Tag danach.</translation>
    </message>
    <message>
        <source>by report day, UTC</source>
        <translation>nach Berichtstag, UTC</translation>
    </message>
    <message>
        <source>%1, by report day (UTC): the messages of %2 per reporter, sending domain, DKIM domain and SPF domain they were reported with.</source>
        <translation>%1, nach Berichtstag (UTC): die Nachrichten von %2 je Berichtersteller, Absenderdomain, DKIM-Domain und SPF-Domain, mit denen sie gemeldet wurden.</translation>
    </message>
    <message>
        <source>%1 %2 (%3)</source>
        <translation>%1 %2 (%3)</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::DesktopShell</name>
    <message>
        <source>The settings are saved, but the exporter runs on the previous ones: %1</source>
        <translation>Die Einstellungen sind gespeichert, aber der Exporter läuft mit den bisherigen weiter: %1</translation>
    </message>
    <message>
        <source>Settings not applied</source>
        <translation>Einstellungen nicht übernommen</translation>
    </message>
    <message>
        <source>The exporter uses the new settings.</source>
        <translation>Der Exporter verwendet die neuen Einstellungen.</translation>
    </message>
    <message>
        <source>The exporter uses the new settings; %1 take effect after a restart.</source>
        <translation>Der Exporter verwendet die neuen Einstellungen; %1 gelten erst nach einem Neustart.</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>Einstellungen gespeichert</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::DurationSpinBox</name>
    <message>
        <source>s</source>
        <translation>s</translation>
    </message>
    <message>
        <source>min</source>
        <translation>min</translation>
    </message>
    <message>
        <source>h</source>
        <translation>h</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::FailureReportView</name>
    <message>
        <source>Day of arrival (UTC)</source>
        <translation>Eingangstag (UTC)</translation>
    </message>
    <message>
        <source>Reported domain</source>
        <translation>Gemeldete Domain</translation>
    </message>
    <message>
        <source>&amp;Group by:</source>
        <translation>Gruppieren &amp;nach:</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::FailureReportsModel</name>
    <message>
        <source>Failure reports</source>
        <translation>Fehlerberichte</translation>
    </message>
    <message>
        <source>Auth failure</source>
        <translation>Authentifizierungsfehler</translation>
    </message>
    <message>
        <source>Identity alignment</source>
        <translation>Identitätsausrichtung</translation>
    </message>
    <message>
        <source>Delivery result</source>
        <translation>Zustellergebnis</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::Notifier</name>
    <message>
        <source>Reports could not be saved</source>
        <translation>Berichte konnten nicht gespeichert werden</translation>
    </message>
    <message>
        <source>Reports not saved</source>
        <translation>Berichte nicht gespeichert</translation>
    </message>
    <message>
        <source>Reports cannot be saved: %1. The emails stay in the inbox and are tried again.</source>
        <translation>Berichte können nicht gespeichert werden: %1. Die E-Mails bleiben im Posteingang und werden erneut versucht.</translation>
    </message>
    <message>
        <source>Mailbox %1 unreachable</source>
        <translation>Postfach %1 nicht erreichbar</translation>
    </message>
    <message numerus="yes">
        <source>%1 as %2: %Ln message(s) failed DMARC</source>
        <translation>
            <numerusform>%1 als %2: %Ln Nachricht bestand DMARC nicht</numerusform>
            <numerusform>%1 als %2: %Ln Nachrichten bestanden DMARC nicht</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln new source(s) failing DMARC</source>
        <translation>
            <numerusform>%Ln neue Quelle besteht DMARC nicht</numerusform>
            <numerusform>%Ln neue Quellen bestehen DMARC nicht</numerusform>
        </translation>
    </message>
    <message>
        <source>Invalid DMARC report</source>
        <translation>Ungültiger DMARC-Bericht</translation>
    </message>
    <message numerus="yes">
        <source>%Ln email(s) could not be read as a report; see Recent reports.</source>
        <translation>
            <numerusform>%Ln E-Mail konnte nicht als Bericht gelesen werden; siehe Letzte Berichte.</numerusform>
            <numerusform>%Ln E-Mails konnten nicht als Bericht gelesen werden; siehe Letzte Berichte.</numerusform>
        </translation>
    </message>
    <message>
        <source>Mailbox %1: login refused</source>
        <translation>Postfach %1: Anmeldung abgelehnt</translation>
    </message>
    <message>
        <source>Mailbox %1: certificate not trusted</source>
        <translation>Postfach %1: Zertifikat nicht vertrauenswürdig</translation>
    </message>
    <message>
        <source>Mailbox %1 failed</source>
        <translation>Postfach %1 fehlgeschlagen</translation>
    </message>
    <message numerus="yes">
        <source>%Ln mailbox problem(s)</source>
        <translation>
            <numerusform>%Ln Postfachproblem</numerusform>
            <numerusform>%Ln Postfachprobleme</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln new failing source(s)</source>
        <translation>
            <numerusform>%Ln neue fehlschlagende Quelle</numerusform>
            <numerusform>%Ln neue fehlschlagende Quellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln invalid report(s)</source>
        <translation>
            <numerusform>%Ln ungültiger Bericht</numerusform>
            <numerusform>%Ln ungültige Berichte</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::ProblemBanner</name>
    <message>
        <source>Open settings</source>
        <translation>Einstellungen öffnen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::ReportView</name>
    <message>
        <source>relaxed (%1)</source>
        <translation>locker (%1)</translation>
    </message>
    <message>
        <source>strict (%1)</source>
        <translation>strikt (%1)</translation>
    </message>
    <message>
        <source>(not given)</source>
        <translation>(nicht angegeben)</translation>
    </message>
    <message>
        <source>report attachment</source>
        <translation>Berichtsanhang</translation>
    </message>
    <message>
        <source>failure report</source>
        <translation>Fehlerbericht</translation>
    </message>
    <message>
        <source>not a report</source>
        <translation>kein Bericht</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Report %1 from %2: %3</source>
        <translation>Bericht %1 von %2: %3</translation>
    </message>
    <message>
        <source>Report %1 from %2</source>
        <translation>Bericht %1 von %2</translation>
    </message>
    <message>
        <source>Invalid email</source>
        <translation>Ungültige E-Mail</translation>
    </message>
    <message>
        <source>Invalid email from %1</source>
        <translation>Ungültige E-Mail von %1</translation>
    </message>
    <message>
        <source>Reporter:</source>
        <translation>Berichtender:</translation>
    </message>
    <message>
        <source>Report ID:</source>
        <translation>Berichts-ID:</translation>
    </message>
    <message>
        <source>Days covered (UTC):</source>
        <translation>Erfasste Tage (UTC):</translation>
    </message>
    <message>
        <source>Records:</source>
        <translation>Datensätze:</translation>
    </message>
    <message>
        <source>Messages:</source>
        <translation>Nachrichten:</translation>
    </message>
    <message>
        <source>Sent by:</source>
        <translation>Gesendet von:</translation>
    </message>
    <message>
        <source>(no sender)</source>
        <translation>(kein Absender)</translation>
    </message>
    <message>
        <source>Processed:</source>
        <translation>Verarbeitet:</translation>
    </message>
    <message>
        <source>Outcome:</source>
        <translation>Ergebnis:</translation>
    </message>
    <message>
        <source>Why it failed:</source>
        <translation>Warum es fehlschlug:</translation>
    </message>
    <message>
        <source>The store keeps nothing more of this entry.</source>
        <translation>Der Speicher enthält nichts weiter zu diesem Eintrag.</translation>
    </message>
    <message>
        <source>Cannot read the store: %1</source>
        <translation>Der Speicher kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>This report was logged before the exporter kept the reporter&apos;s address, the published policy and the records; only the figures above are known.</source>
        <translation>Dieser Bericht wurde protokolliert, bevor der Exporter die Adresse des Berichtenden, die veröffentlichte Richtlinie und die Datensätze aufbewahrte; bekannt sind nur die Zahlen oben.</translation>
    </message>
    <message>
        <source>This email was processed before the exporter kept what it held. It is in the account&apos;s error folder: save it and use &quot;Inspect a report file&quot; to see every part.</source>
        <translation>Diese E-Mail wurde verarbeitet, bevor der Exporter ihren Inhalt aufbewahrte. Sie liegt im Fehlerordner des Kontos: Speichern Sie sie und öffnen Sie sie mit „Berichtsdatei untersuchen“, um jeden Teil zu sehen.</translation>
    </message>
    <message>
        <source>Published policy</source>
        <translation>Veröffentlichte Richtlinie</translation>
    </message>
    <message>
        <source>Domain:</source>
        <translation>Domain:</translation>
    </message>
    <message>
        <source>Policy (p):</source>
        <translation>Richtlinie (p):</translation>
    </message>
    <message>
        <source>Subdomain policy (sp):</source>
        <translation>Richtlinie für Subdomains (sp):</translation>
    </message>
    <message>
        <source>Percentage (pct):</source>
        <translation>Prozentsatz (pct):</translation>
    </message>
    <message>
        <source>DKIM alignment (adkim):</source>
        <translation>DKIM-Ausrichtung (adkim):</translation>
    </message>
    <message>
        <source>SPF alignment (aspf):</source>
        <translation>SPF-Ausrichtung (aspf):</translation>
    </message>
    <message>
        <source>Non-existent subdomain policy (np):</source>
        <translation>Richtlinie für nicht existierende Subdomains (np):</translation>
    </message>
    <message>
        <source>Testing (t):</source>
        <translation>Test (t):</translation>
    </message>
    <message>
        <source>Discovery method:</source>
        <translation>Ermittlungsverfahren:</translation>
    </message>
    <message>
        <source>Failure reporting (fo):</source>
        <translation>Fehlerberichte (fo):</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Datensätze</translation>
    </message>
    <message>
        <source>The first %1 of %2 records are listed.</source>
        <translation>Die ersten %1 von %2 Datensätzen sind aufgeführt.</translation>
    </message>
    <message>
        <source>Source IP</source>
        <translation>Quell-IP</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation>Behandlung</translation>
    </message>
    <message>
        <source>DKIM</source>
        <translation>DKIM</translation>
    </message>
    <message>
        <source>SPF</source>
        <translation>SPF</translation>
    </message>
    <message>
        <source>Header from</source>
        <translation>Header-From</translation>
    </message>
    <message>
        <source>DKIM domain</source>
        <translation>DKIM-Domain</translation>
    </message>
    <message>
        <source>DKIM result</source>
        <translation>DKIM-Ergebnis</translation>
    </message>
    <message>
        <source>SPF domain</source>
        <translation>SPF-Domain</translation>
    </message>
    <message>
        <source>SPF result</source>
        <translation>SPF-Ergebnis</translation>
    </message>
    <message>
        <source>The email</source>
        <translation>Die E-Mail</translation>
    </message>
    <message>
        <source>uid %1 in %2 of %3</source>
        <translation>UID %1 in %2 von %3</translation>
    </message>
    <message>
        <source>Subject: %1</source>
        <translation>Betreff: %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keiner)</translation>
    </message>
    <message>
        <source>Size: %1</source>
        <translation>Größe: %1</translation>
    </message>
    <message>
        <source>The first %1 of %2 parts are listed.</source>
        <translation>Die ersten %1 von %2 Teilen sind aufgeführt.</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>Teil</translation>
    </message>
    <message>
        <source>Content type</source>
        <translation>Inhaltstyp</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>Dateiname</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Read as</source>
        <translation>Gelesen als</translation>
    </message>
    <message>
        <source>Also in this email:</source>
        <translation>Außerdem in dieser E-Mail:</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::ReportsTableModel</name>
    <message>
        <source>Counted</source>
        <translation>Gezählt</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplikat</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Processed (UTC)</source>
        <translation>Verarbeitet (UTC)</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>Berichtender</translation>
    </message>
    <message>
        <source>Report ID</source>
        <translation>Berichts-ID</translation>
    </message>
    <message>
        <source>Date range</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Einträge</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SettingsDialog</name>
    <message>
        <source>Welcome to the DMARC metrics exporter</source>
        <translation>Willkommen beim DMARC-Metrik-Exporter</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Accounts</source>
        <translation>&amp;Konten</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>A&amp;llgemein</translation>
    </message>
    <message>
        <source>&amp;Poll interval:</source>
        <translation>Abfrage&amp;intervall:</translation>
    </message>
    <message>
        <source>S&amp;torage folder:</source>
        <translation>Speicher&amp;ordner:</translation>
    </message>
    <message>
        <source>Metrics a&amp;ddress:</source>
        <translation>Metrik-A&amp;dresse:</translation>
    </message>
    <message>
        <source>Metrics p&amp;ort:</source>
        <translation>Metrik-Por&amp;t:</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Konten</translation>
    </message>
    <message>
        <source>A&amp;dd</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>optional, the user name when empty</source>
        <translation>optional, sonst der Benutzername</translation>
    </message>
    <message>
        <source>TLS (port 993)</source>
        <translation>TLS (Port 993)</translation>
    </message>
    <message>
        <source>STARTTLS (port 143)</source>
        <translation>STARTTLS (Port 143)</translation>
    </message>
    <message>
        <source>None (unencrypted)</source>
        <translation>Keine (unverschlüsselt)</translation>
    </message>
    <message>
        <source>&amp;Verify the server certificate</source>
        <translation>Server&amp;zertifikat prüfen</translation>
    </message>
    <message>
        <source>Password (LOGIN)</source>
        <translation>Passwort (LOGIN)</translation>
    </message>
    <message>
        <source>Password (AUTHENTICATE PLAIN)</source>
        <translation>Passwort (AUTHENTICATE PLAIN)</translation>
    </message>
    <message>
        <source>OAuth2 (XOAUTH2)</source>
        <translation>OAuth2 (XOAUTH2)</translation>
    </message>
    <message>
        <source>OAuth2 (OAUTHBEARER)</source>
        <translation>OAuth2 (OAUTHBEARER)</translation>
    </message>
    <message>
        <source>Use ID&amp;LE when the server offers it</source>
        <translation>&amp;IDLE verwenden, wenn der Server es anbietet</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>Se&amp;rver:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>P&amp;ort:</translation>
    </message>
    <message>
        <source>S&amp;ecurity:</source>
        <translation>Si&amp;cherheit:</translation>
    </message>
    <message>
        <source>Aut&amp;hentication:</source>
        <translation>An&amp;meldung:</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>&amp;Benutzername:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Pass&amp;wort:</translation>
    </message>
    <message>
        <source>Token command:</source>
        <translation>Token-Befehl:</translation>
    </message>
    <message>
        <source>Token file:</source>
        <translation>Token-Datei:</translation>
    </message>
    <message>
        <source>Token URL:</source>
        <translation>Token-URL:</translation>
    </message>
    <message>
        <source>Client ID:</source>
        <translation>Client-ID:</translation>
    </message>
    <message>
        <source>Client secret:</source>
        <translation>Client-Geheimnis:</translation>
    </message>
    <message>
        <source>Refresh token:</source>
        <translation>Refresh-Token:</translation>
    </message>
    <message>
        <source>&amp;Inbox folder:</source>
        <translation>Ein&amp;gangsordner:</translation>
    </message>
    <message>
        <source>D&amp;one folder:</source>
        <translation>O&amp;rdner für erledigte:</translation>
    </message>
    <message>
        <source>Error &amp;folder:</source>
        <translation>&amp;Fehlerordner:</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>read from %1</source>
        <translation>aus %1 gelesen</translation>
    </message>
    <message>
        <source>New account</source>
        <translation>Neues Konto</translation>
    </message>
    <message>
        <source>cannot create %1</source>
        <translation>%1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1…</translation>
    </message>
    <message>
        <source>Logged in. Folders: %1</source>
        <translation>Angemeldet. Ordner: %1</translation>
    </message>
    <message>
        <source>Enter the mailbox that receives your DMARC aggregate reports; the settings are saved to %1.</source>
        <translation>Geben Sie das Postfach an, das Ihre DMARC-Sammelberichte empfängt; die Einstellungen werden in %1 gespeichert.</translation>
    </message>
    <message>
        <source>Start automaticall&amp;y at login</source>
        <translation>Bei &amp;jeder Anmeldung starten</translation>
    </message>
    <message>
        <source>optional, the PEM file of a private CA</source>
        <translation>optional, die PEM-Datei einer privaten CA</translation>
    </message>
    <message>
        <source>Trust server certificates issued by this CA, in addition to the system&apos;s CAs</source>
        <translation>Serverzertifikaten dieser CA vertrauen, zusätzlich zu den CAs des Systems</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>D&amp;urchsuchen…</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>CA-Datei:</translation>
    </message>
    <message>
        <source>%1: the CA file %2 holds no PEM certificate</source>
        <translation>%1: Die CA-Datei %2 enthält kein PEM-Zertifikat</translation>
    </message>
    <message>
        <source>CA certificate file</source>
        <translation>CA-Zertifikatsdatei</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>PEM-Zertifikate (*.pem *.crt *.cer);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate</source>
        <translation>%1 enthält kein PEM-Zertifikat</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SetupAssistant</name>
    <message>
        <source>Start the program as a user who may read it, or without --configuration to set up a configuration of your own.</source>
        <translation>Starten Sie das Programm als ein Benutzer, der die Datei lesen darf, oder ohne --configuration, um eine eigene Konfiguration einzurichten.</translation>
    </message>
    <message>
        <source>You may not change the file either: have its owner correct it, or start the program without --configuration to set up a configuration of your own.</source>
        <translation>Sie dürfen die Datei auch nicht ändern: Lassen Sie sie von ihrem Eigentümer korrigieren, oder starten Sie das Programm ohne --configuration, um eine eigene Konfiguration einzurichten.</translation>
    </message>
    <message>
        <source>Correct the settings below; saving writes them to %1.</source>
        <translation>Korrigieren Sie die Einstellungen unten; beim Speichern werden sie nach %1 geschrieben.</translation>
    </message>
    <message>
        <source>DMARC metrics exporter</source>
        <translation>DMARC-Metrik-Exporter</translation>
    </message>
    <message>
        <source>There is no configuration file at %1 yet.</source>
        <translation>Unter %1 gibt es noch keine Konfigurationsdatei.</translation>
    </message>
    <message>
        <source>You may not read %1 (%2): it holds an account&apos;s password, so only its owner %3 and the group %4 may read it.</source>
        <translation>Sie dürfen %1 nicht lesen (%2): Die Datei enthält das Passwort eines Kontos, daher dürfen nur ihr Eigentümer %3 und die Gruppe %4 sie lesen.</translation>
    </message>
    <message>
        <source>%1 has mistakes:
%2</source>
        <translation>%1 enthält Fehler:
%2</translation>
    </message>
    <message>
        <source>%1 still holds the package&apos;s sample account, with which no login can work:
%2</source>
        <translation>%1 enthält noch das Beispielkonto des Pakets, mit dem keine Anmeldung gelingen kann:
%2</translation>
    </message>
    <message>
        <source>The exporter cannot start with %1: %2</source>
        <translation>Der Exporter kann mit %1 nicht starten: %2</translation>
    </message>
    <message>
        <source>The metrics port of %1 is taken, by the system service or another program: %2</source>
        <translation>Der Metrik-Port von %1 ist belegt, durch den Systemdienst oder ein anderes Programm: %2</translation>
    </message>
    <message>
        <source>Set up the exporter for yourself instead: your own settings are used from then on, and the counts are kept in %1.</source>
        <translation>Richten Sie den Exporter stattdessen für sich selbst ein: Ab dann gelten Ihre eigenen Einstellungen, und die Zählungen werden in %1 gespeichert.</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SourceDomainsModel</name>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SourcesModel</name>
    <message>
        <source>PTR name</source>
        <translation>PTR-Name</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domain</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>DMARC compliant</source>
        <translation>DMARC-konform</translation>
    </message>
    <message>
        <source>DKIM aligned</source>
        <translation>DKIM-ausgerichtet</translation>
    </message>
    <message>
        <source>SPF aligned</source>
        <translation>SPF-ausgerichtet</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>Quarantäne</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgewiesen</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Zuerst gesehen</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>From domains</source>
        <translation>Absenderdomains</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SourcesView</name>
    <message>
        <source>Addresses</source>
        <translation>Adressen</translation>
    </message>
    <message>
        <source>Source IP</source>
        <translation>Quell-IP</translation>
    </message>
    <message>
        <source>all time</source>
        <translation>gesamter Zeitraum</translation>
    </message>
    <message>
        <source>Group &amp;by:</source>
        <translation>&amp;Gruppieren nach:</translation>
    </message>
    <message>
        <source>Wit&amp;h failures</source>
        <translation>Nur mit Fe&amp;hlern</translation>
    </message>
    <message>
        <source>Ne&amp;w in the range</source>
        <translation>&amp;Neu im Zeitraum</translation>
    </message>
    <message>
        <source>Source name</source>
        <translation>Quellenname</translation>
    </message>
    <message>
        <source>Only sources with messages that failed DMARC</source>
        <translation>Nur Quellen mit Nachrichten, die DMARC nicht bestanden</translation>
    </message>
    <message>
        <source>Only addresses the store has no day of before the range</source>
        <translation>Nur Adressen, von denen der Speicher keinen Tag vor dem Zeitraum hat</translation>
    </message>
    <message>
        <source>Double-click (or Enter) an address for its days, reporters and DKIM and SPF domains, a source name for its addresses</source>
        <translation>Doppelklick (oder Eingabe) auf eine Adresse zeigt ihre Tage, Berichtenden und DKIM- und SPF-Domains, auf einen Quellennamen seine Adressen</translation>
    </message>
    <message>
        <source>Source %1 (%2)</source>
        <translation>Quelle %1 (%2)</translation>
    </message>
    <message>
        <source>%1, by report day (UTC): the messages of %2 per day and from domain, and the reporters and DKIM and SPF domains that passed for them.</source>
        <translation>%1, nach Berichtstag (UTC): die Nachrichten von %2 je Tag und Absenderdomain sowie die Berichtenden und die DKIM- und SPF-Domains, die für sie bestanden.</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Tag</translation>
    </message>
    <message>
        <source>From domain</source>
        <translation>Absenderdomain</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>Berichtender</translation>
    </message>
    <message>
        <source>DKIM domain</source>
        <translation>DKIM-Domain</translation>
    </message>
    <message>
        <source>SPF domain</source>
        <translation>SPF-Domain</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::StatusText</name>
    <message>
        <source>stopped</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbindet</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>prüft</translation>
    </message>
    <message>
        <source>processing</source>
        <translation>verarbeitet</translation>
    </message>
    <message>
        <source>waiting for mail</source>
        <translation>wartet auf E-Mails</translation>
    </message>
    <message>
        <source>waiting for next check</source>
        <translation>wartet auf die nächste Prüfung</translation>
    </message>
    <message>
        <source>reconnecting after an error</source>
        <translation>verbindet nach einem Fehler neu</translation>
    </message>
    <message>
        <source>IDLE</source>
        <translation>IDLE</translation>
    </message>
    <message>
        <source>polling</source>
        <translation>Abfrage</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>on new mail</source>
        <translation>bei neuer E-Mail</translation>
    </message>
    <message>
        <source>soon</source>
        <translation>gleich</translation>
    </message>
    <message>
        <source>last check %1</source>
        <translation>letzte Prüfung %1</translation>
    </message>
    <message>
        <source>Login refused by %1 for user %2</source>
        <translation>Anmeldung von %1 für Benutzer %2 abgelehnt</translation>
    </message>
    <message>
        <source>Certificate not trusted: issued by %1 for %2 (%3)</source>
        <translation>Zertifikat nicht vertrauenswürdig: ausgestellt von %1 für %2 (%3)</translation>
    </message>
    <message>
        <source>an unknown issuer</source>
        <translation>einem unbekannten Aussteller</translation>
    </message>
    <message>
        <source>no name</source>
        <translation>keinen Namen</translation>
    </message>
    <message>
        <source>Server unreachable: %1</source>
        <translation>Server nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>Mailbox check failed: %1</source>
        <translation>Postfachprüfung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Not watched by any instance</source>
        <translation>Von keiner Instanz überwacht</translation>
    </message>
    <message>
        <source>Watched by %1 (this instance)</source>
        <translation>Überwacht von %1 (diese Instanz)</translation>
    </message>
    <message>
        <source>Watched by %1</source>
        <translation>Überwacht von %1</translation>
    </message>
    <message>
        <source>%1; next try at %2</source>
        <translation>%1; nächster Versuch um %2</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TlsSessionsModel</name>
    <message>
        <source>Policy type</source>
        <translation>Richtlinientyp</translation>
    </message>
    <message>
        <source>Successful sessions</source>
        <translation>Erfolgreiche Sitzungen</translation>
    </message>
    <message>
        <source>Failed sessions</source>
        <translation>Fehlgeschlagene Sitzungen</translation>
    </message>
    <message>
        <source>Failure rate</source>
        <translation>Fehlerquote</translation>
    </message>
    <message>
        <source>Top failure types</source>
        <translation>Häufigste Fehlerarten</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TlsView</name>
    <message>
        <source>Policy domain</source>
        <translation>Richtlinien-Domain</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>Berichtende</translation>
    </message>
    <message>
        <source>Day (UTC)</source>
        <translation>Tag (UTC)</translation>
    </message>
    <message>
        <source>&amp;Group by:</source>
        <translation>&amp;Gruppieren nach:</translation>
    </message>
    <message>
        <source>Double-click (or Enter) a policy domain to see its reporters</source>
        <translation>Doppelklick (oder Eingabetaste) auf eine Richtlinien-Domain zeigt ihre Berichtenden</translation>
    </message>
    <message>
        <source>One report may count the same sessions under more than one policy type: do not add them up.</source>
        <translation>Ein Bericht kann dieselben Sitzungen unter mehr als einem Richtlinientyp zählen: nicht addieren.</translation>
    </message>
    <message>
        <source>Reporters: open a policy domain above</source>
        <translation>Berichtende: oben eine Richtlinien-Domain öffnen</translation>
    </message>
    <message>
        <source>Reporters for %1:</source>
        <translation>Berichtende für %1:</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(keine)</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TrayIcon</name>
    <message>
        <source>TLS failures in the last 7 days for %1</source>
        <translation>TLS-Fehler in den letzten 7 Tagen für %1</translation>
    </message>
    <message>
        <source>Mailbox error</source>
        <translation>Postfachfehler</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Braucht Aufmerksamkeit</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>All good</source>
        <translation>Alles in Ordnung</translation>
    </message>
    <message>
        <source>Open &amp;dashboard</source>
        <translation>Übersicht ö&amp;ffnen</translation>
    </message>
    <message>
        <source>&amp;Check now</source>
        <translation>&amp;Jetzt prüfen</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>Open &amp;metrics page</source>
        <translation>&amp;Metrikseite öffnen</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>DMARC metrics exporter: %1</source>
        <translation>DMARC-Metrik-Exporter: %1</translation>
    </message>
    <message>
        <source>Last check: %1</source>
        <translation>Letzte Prüfung: %1</translation>
    </message>
    <message numerus="yes">
        <source>%Ln invalid report(s) in the last 7 days</source>
        <translation>
            <numerusform>%Ln ungültiger Bericht in den letzten 7 Tagen</numerusform>
            <numerusform>%Ln ungültige Berichte in den letzten 7 Tagen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2 messages, %3 compliant</source>
        <translation>%1: %2 Nachrichten, %3 konform</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TrendChart</name>
    <message>
        <source>DMARC compliant: %1</source>
        <translation>DMARC-konform: %1</translation>
    </message>
    <message>
        <source>Messages per day</source>
        <translation>Nachrichten pro Tag</translation>
    </message>
    <message>
        <source>DMARC compliant (%)</source>
        <translation>DMARC-konform (%)</translation>
    </message>
    <message>
        <source>No reports in this range</source>
        <translation>Keine Berichte in diesem Zeitraum</translation>
    </message>
    <message>
        <source>Messages and DMARC compliance over time</source>
        <translation>Nachrichten und DMARC-Konformität im Zeitverlauf</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>%1 bis %2</translation>
    </message>
    <message>
        <source>No reports</source>
        <translation>Keine Berichte</translation>
    </message>
    <message>
        <source>Messages: %1</source>
        <translation>Nachrichten: %1</translation>
    </message>
    <message>
        <source>Messages per month</source>
        <translation>Nachrichten pro Monat</translation>
    </message>
    <message>
        <source>Messages per week</source>
        <translation>Nachrichten pro Woche</translation>
    </message>
    <message>
        <source>Month (UTC, by report day)</source>
        <translation>Monat (UTC, nach Berichtstag)</translation>
    </message>
    <message>
        <source>Week from Monday (UTC, by report day)</source>
        <translation>Woche ab Montag (UTC, nach Berichtstag)</translation>
    </message>
    <message>
        <source>Day (UTC, by report day)</source>
        <translation>Tag (UTC, nach Berichtstag)</translation>
    </message>
</context>
</TS>
