<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>Dmarc::Ui::ActivityLogView</name>
    <message>
        <source>%1 on %2</source>
        <translation>%1 sur %2</translation>
    </message>
    <message>
        <source>(no sender)</source>
        <translation>(aucun expéditeur)</translation>
    </message>
    <message numerus="yes">
        <source>%n duplicate(s)</source>
        <translation>
            <numerusform>%n doublon</numerusform>
            <numerusform>%n doublons</numerusform>
        </translation>
    </message>
    <message>
        <source>invalid: %1</source>
        <translation>invalide : %1</translation>
    </message>
    <message>
        <source>moved to %1</source>
        <translation>déplacé vers %1</translation>
    </message>
    <message>
        <source>%1: decided before, moved to %2 now</source>
        <translation>%1 : décidé auparavant, déplacé vers %2 maintenant</translation>
    </message>
    <message>
        <source>Checked: nothing new</source>
        <translation>Vérifié : rien de nouveau</translation>
    </message>
    <message>
        <source>Check failed: %1</source>
        <translation>Échec de la vérification : %1</translation>
    </message>
    <message>
        <source>Recent activity</source>
        <translation>Activité récente</translation>
    </message>
    <message>
        <source>Cannot read the recent activity: %1</source>
        <translation>Impossible de lire l&apos;activité récente : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n report(s) counted</source>
        <translation>
            <numerusform>%n rapport compté</numerusform>
            <numerusform>%n rapports comptés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n TLS report(s) counted</source>
        <translation>
            <numerusform>%n rapport TLS compté</numerusform>
            <numerusform>%n rapports TLS comptés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failure report(s) counted</source>
        <translation>
            <numerusform>%n rapport d&apos;échec compté</numerusform>
            <numerusform>%n rapports d&apos;échec comptés</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 from %2: %3</source>
        <translation>%1 de %2 : %3</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::Autostart</name>
    <message>
        <source>cannot create %1</source>
        <translation>impossible de créer %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>impossible d&apos;écrire %1 : %2</translation>
    </message>
    <message>
        <source>cannot remove %1: %2</source>
        <translation>impossible de supprimer %1 : %2</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::CountsTableModel</name>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>DMARC compliant</source>
        <translation>Conformes DMARC</translation>
    </message>
    <message>
        <source>DKIM aligned</source>
        <translation>Alignés DKIM</translation>
    </message>
    <message>
        <source>SPF aligned</source>
        <translation>Alignés SPF</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>En quarantaine</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rejetés</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Hier</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>7 derniers jours</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>30 derniers jours</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>Depuis le début</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::DashboardWindow</name>
    <message>
        <source>TLS report %1 from %2 (%3)</source>
        <translation>Rapport TLS %1 de %2 (%3)</translation>
    </message>
    <message>
        <source>  %1 (%2): %3 successful, %4 failed sessions</source>
        <translation>  %1 (%2) : %3 sessions réussies, %4 échouées</translation>
    </message>
    <message>
        <source>Failure report for %1 (%2): auth failure %3, alignment %4, delivery %5</source>
        <translation>Rapport d&apos;échec pour %1 (%2) : échec d&apos;authentification %3, alignement %4, livraison %5</translation>
    </message>
    <message>
        <source>T&amp;LS</source>
        <translation>T&amp;LS</translation>
    </message>
    <message>
        <source>&amp;Failure reports</source>
        <translation>Rapports d&apos;é&amp;chec</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>Rechercher…</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Rechercher</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>DMARC compliant</source>
        <translation>Conformes DMARC</translation>
    </message>
    <message>
        <source>SPF aligned</source>
        <translation>Alignés SPF</translation>
    </message>
    <message>
        <source>DKIM aligned</source>
        <translation>Alignés DKIM</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>En quarantaine</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rejetés</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>Rapports</translation>
    </message>
    <message>
        <source>Invalid reports</source>
        <translation>Rapports invalides</translation>
    </message>
    <message>
        <source>DMARC dashboard</source>
        <translation>Tableau de bord DMARC</translation>
    </message>
    <message>
        <source>Sending domain</source>
        <translation>Domaine d&apos;envoi</translation>
    </message>
    <message>
        <source>Sending &amp;domains</source>
        <translation>&amp;Domaines d&apos;envoi</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>Émetteur du rapport</translation>
    </message>
    <message>
        <source>R&amp;eporters</source>
        <translation>Ém&amp;etteurs</translation>
    </message>
    <message>
        <source>DKIM domain</source>
        <translation>Domaine DKIM</translation>
    </message>
    <message>
        <source>D&amp;KIM domains</source>
        <translation>Domaines D&amp;KIM</translation>
    </message>
    <message>
        <source>SPF domain</source>
        <translation>Domaine SPF</translation>
    </message>
    <message>
        <source>S&amp;PF domains</source>
        <translation>Domaines SP&amp;F</translation>
    </message>
    <message>
        <source>So&amp;urces</source>
        <translation>So&amp;urces</translation>
    </message>
    <message>
        <source>Recent rep&amp;orts</source>
        <translation>Rapp&amp;orts récents</translation>
    </message>
    <message>
        <source>S&amp;tatus and activity</source>
        <translation>É&amp;tat et activité</translation>
    </message>
    <message>
        <source>Saving failed, nothing of the batch was counted: %1</source>
        <translation>Échec de l&apos;enregistrement, rien du lot n&apos;a été compté : %1</translation>
    </message>
    <message>
        <source>Reports cannot be saved: %1. The emails stay in the inbox; the next try is at %2.</source>
        <translation>Les rapports ne peuvent pas être enregistrés : %1. Les e-mails restent dans la boîte de réception ; prochain essai à %2.</translation>
    </message>
    <message>
        <source>No report was refused by the limits on label sets or the own domains since the start.</source>
        <translation>Aucun rapport n’a été refusé par les limites de jeux de labels ou les domaines propres depuis le démarrage.</translation>
    </message>
    <message>
        <source>Reports refused since the start: %1 with more label sets than limits.max_label_sets_per_report, %2 past limits.max_label_sets, %3 for a domain not in domains.</source>
        <translation>Rapports refusés depuis le démarrage : %1 avec plus de jeux de labels que limits.max_label_sets_per_report, %2 au-delà de limits.max_label_sets, %3 pour un domaine absent de domains.</translation>
    </message>
    <message>
        <source>Reports refused to keep the number of series bounded: %1. Their emails are in the error folder; see Status and activity.</source>
        <translation>Rapports refusés pour borner le nombre de séries : %1. Leurs e-mails sont dans le dossier d’erreur ; voir État et activité.</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Réessayer maintenant</translation>
    </message>
    <message>
        <source>Ra&amp;nge:</source>
        <translation>&amp;Période :</translation>
    </message>
    <message>
        <source>&amp;Check now</source>
        <translation>&amp;Vérifier maintenant</translation>
    </message>
    <message>
        <source>&amp;Metrics page</source>
        <translation>Page des &amp;métriques</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>P&amp;aramètres…</translation>
    </message>
    <message>
        <source>Double-click (or Enter) a row to see the label sets behind it</source>
        <translation>Double-cliquez (ou Entrée) sur une ligne pour voir les jeux de libellés correspondants</translation>
    </message>
    <message>
        <source>&amp;Inspect a report file…</source>
        <translation>&amp;Inspecter un fichier de rapport…</translation>
    </message>
    <message>
        <source>Shows what the exporter makes of an email, XML, gzip or zip file, without counting it</source>
        <translation>Montre ce que l&apos;exportateur tire d&apos;un fichier e-mail, XML, gzip ou zip, sans le compter</translation>
    </message>
    <message>
        <source>Inspect a report file</source>
        <translation>Inspecter un fichier de rapport</translation>
    </message>
    <message>
        <source>Reports (*.eml *.xml *.gz *.zip *.json);;All files (*)</source>
        <translation>Rapports (*.eml *.xml *.gz *.zip *.json);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Compte</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>Last check</source>
        <translation>Dernière vérification</translation>
    </message>
    <message>
        <source>Next check</source>
        <translation>Prochaine vérification</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Erreurs</translation>
    </message>
    <message>
        <source>Last error</source>
        <translation>Dernière erreur</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>Instance</translation>
    </message>
    <message>
        <source>Recent activity</source>
        <translation>Activité récente</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <source>Cannot read the store: %1</source>
        <translation>Impossible de lire le stockage : %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Impossible de lire %1 : %2</translation>
    </message>
    <message>
        <source>Inspect %1</source>
        <translation>Inspecter %1</translation>
    </message>
    <message>
        <source>Valid: would be counted and moved to the done folder.</source>
        <translation>Valide : serait compté et déplacé dans le dossier des rapports traités.</translation>
    </message>
    <message>
        <source>Invalid: would be counted as an invalid report and moved to the error folder.</source>
        <translation>Invalide : serait compté comme rapport invalide et déplacé dans le dossier d&apos;erreurs.</translation>
    </message>
    <message>
        <source>From: %1</source>
        <translation>De : %1</translation>
    </message>
    <message>
        <source>No report attachment found.</source>
        <translation>Aucune pièce jointe de rapport trouvée.</translation>
    </message>
    <message>
        <source>Report %1 from %2 (%3): %4 records, %5 messages, policy %6 p=%7</source>
        <translation>Rapport %1 de %2 (%3) : %4 enregistrements, %5 messages, politique %6 p=%7</translation>
    </message>
    <message>
        <source>Failed: %1: %2</source>
        <translation>Échec : %1 : %2</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Reprendre</translation>
    </message>
    <message>
        <source>P&amp;ause</source>
        <translation>Pau&amp;se</translation>
    </message>
    <message>
        <source>Double-click (or Enter) a report for its details</source>
        <translation>Double-cliquez (ou Entrée) sur un rapport pour ses détails</translation>
    </message>
    <message>
        <source>Every figure of the dashboard counts a report on the day its date range begins, in UTC; reports describe a whole day and arrive the day after.</source>
        <translation>Chaque chiffre du tableau de bord compte un rapport le jour où commence sa période, en UTC ; les rapports décrivent une journée entière et arrivent le lendemain.</translation>
    </message>
    <message>
        <source>by report day, UTC</source>
        <translation>par jour de rapport, UTC</translation>
    </message>
    <message>
        <source>%1, by report day (UTC): the messages of %2 per reporter, sending domain, DKIM domain and SPF domain they were reported with.</source>
        <translation>%1, par jour de rapport (UTC) : les messages de %2 par émetteur du rapport, domaine d’envoi, domaine DKIM et domaine SPF avec lesquels ils ont été signalés.</translation>
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
        <translation>Les paramètres sont enregistrés, mais l’exportateur continue avec les précédents : %1</translation>
    </message>
    <message>
        <source>Settings not applied</source>
        <translation>Paramètres non appliqués</translation>
    </message>
    <message>
        <source>The exporter uses the new settings.</source>
        <translation>L’exportateur utilise les nouveaux paramètres.</translation>
    </message>
    <message>
        <source>The exporter uses the new settings; %1 take effect after a restart.</source>
        <translation>L’exportateur utilise les nouveaux paramètres ; %1 prennent effet après un redémarrage.</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>Paramètres enregistrés</translation>
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
        <translation>Jour d&apos;arrivée (UTC)</translation>
    </message>
    <message>
        <source>Reported domain</source>
        <translation>Domaine signalé</translation>
    </message>
    <message>
        <source>&amp;Group by:</source>
        <translation>&amp;Grouper par :</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::FailureReportsModel</name>
    <message>
        <source>Failure reports</source>
        <translation>Rapports d&apos;échec</translation>
    </message>
    <message>
        <source>Auth failure</source>
        <translation>Échec d&apos;authentification</translation>
    </message>
    <message>
        <source>Identity alignment</source>
        <translation>Alignement d&apos;identité</translation>
    </message>
    <message>
        <source>Delivery result</source>
        <translation>Résultat de livraison</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::Notifier</name>
    <message>
        <source>Reports could not be saved</source>
        <translation>Les rapports n&apos;ont pas pu être enregistrés</translation>
    </message>
    <message>
        <source>Reports not saved</source>
        <translation>Rapports non enregistrés</translation>
    </message>
    <message>
        <source>Reports cannot be saved: %1. The emails stay in the inbox and are tried again.</source>
        <translation>Les rapports ne peuvent pas être enregistrés : %1. Les e-mails restent dans la boîte de réception et seront traités à nouveau.</translation>
    </message>
    <message>
        <source>Mailbox %1 unreachable</source>
        <translation>Boîte aux lettres %1 injoignable</translation>
    </message>
    <message numerus="yes">
        <source>%1 as %2: %Ln message(s) failed DMARC</source>
        <translation>
            <numerusform>%1 en tant que %2 : %Ln message a échoué à DMARC</numerusform>
            <numerusform>%1 en tant que %2 : %Ln messages ont échoué à DMARC</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln new source(s) failing DMARC</source>
        <translation>
            <numerusform>%Ln nouvelle source en échec DMARC</numerusform>
            <numerusform>%Ln nouvelles sources en échec DMARC</numerusform>
        </translation>
    </message>
    <message>
        <source>Invalid DMARC report</source>
        <translation>Rapport DMARC invalide</translation>
    </message>
    <message numerus="yes">
        <source>%Ln email(s) could not be read as a report; see Recent reports.</source>
        <translation>
            <numerusform>%Ln e-mail n&apos;a pas pu être lu comme rapport ; voir Rapports récents.</numerusform>
            <numerusform>%Ln e-mails n&apos;ont pas pu être lus comme rapports ; voir Rapports récents.</numerusform>
        </translation>
    </message>
    <message>
        <source>Mailbox %1: login refused</source>
        <translation>Boîte aux lettres %1 : connexion refusée</translation>
    </message>
    <message>
        <source>Mailbox %1: certificate not trusted</source>
        <translation>Boîte aux lettres %1 : certificat non approuvé</translation>
    </message>
    <message>
        <source>Mailbox %1 failed</source>
        <translation>Échec de la boîte aux lettres %1</translation>
    </message>
    <message numerus="yes">
        <source>%Ln mailbox problem(s)</source>
        <translation>
            <numerusform>%Ln problème de boîte aux lettres</numerusform>
            <numerusform>%Ln problèmes de boîte aux lettres</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln new failing source(s)</source>
        <translation>
            <numerusform>%Ln nouvelle source en échec</numerusform>
            <numerusform>%Ln nouvelles sources en échec</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln invalid report(s)</source>
        <translation>
            <numerusform>%Ln rapport invalide</numerusform>
            <numerusform>%Ln rapports invalides</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::ProblemBanner</name>
    <message>
        <source>Open settings</source>
        <translation>Ouvrir les paramètres</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Réessayer</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::ReportView</name>
    <message>
        <source>relaxed (%1)</source>
        <translation>souple (%1)</translation>
    </message>
    <message>
        <source>strict (%1)</source>
        <translation>strict (%1)</translation>
    </message>
    <message>
        <source>(not given)</source>
        <translation>(non indiqué)</translation>
    </message>
    <message>
        <source>report attachment</source>
        <translation>pièce jointe de rapport</translation>
    </message>
    <message>
        <source>failure report</source>
        <translation>rapport d&apos;échec</translation>
    </message>
    <message>
        <source>not a report</source>
        <translation>pas un rapport</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Échec : %1</translation>
    </message>
    <message>
        <source>Report %1 from %2: %3</source>
        <translation>Rapport %1 de %2 : %3</translation>
    </message>
    <message>
        <source>Report %1 from %2</source>
        <translation>Rapport %1 de %2</translation>
    </message>
    <message>
        <source>Invalid email</source>
        <translation>E-mail invalide</translation>
    </message>
    <message>
        <source>Invalid email from %1</source>
        <translation>E-mail invalide de %1</translation>
    </message>
    <message>
        <source>Reporter:</source>
        <translation>Émetteur du rapport :</translation>
    </message>
    <message>
        <source>Report ID:</source>
        <translation>ID du rapport :</translation>
    </message>
    <message>
        <source>Days covered (UTC):</source>
        <translation>Jours couverts (UTC) :</translation>
    </message>
    <message>
        <source>Records:</source>
        <translation>Enregistrements :</translation>
    </message>
    <message>
        <source>Messages:</source>
        <translation>Messages :</translation>
    </message>
    <message>
        <source>Sent by:</source>
        <translation>Envoyé par :</translation>
    </message>
    <message>
        <source>(no sender)</source>
        <translation>(aucun expéditeur)</translation>
    </message>
    <message>
        <source>Processed:</source>
        <translation>Traité :</translation>
    </message>
    <message>
        <source>Outcome:</source>
        <translation>Résultat :</translation>
    </message>
    <message>
        <source>Why it failed:</source>
        <translation>Raison de l&apos;échec :</translation>
    </message>
    <message>
        <source>The store keeps nothing more of this entry.</source>
        <translation>Le stockage ne conserve rien de plus sur cette entrée.</translation>
    </message>
    <message>
        <source>Cannot read the store: %1</source>
        <translation>Impossible de lire le stockage : %1</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>This report was logged before the exporter kept the reporter&apos;s address, the published policy and the records; only the figures above are known.</source>
        <translation>Ce rapport a été journalisé avant que l&apos;exporteur ne conserve l&apos;adresse de l&apos;émetteur, la politique publiée et les enregistrements ; seuls les chiffres ci-dessus sont connus.</translation>
    </message>
    <message>
        <source>This email was processed before the exporter kept what it held. It is in the account&apos;s error folder: save it and use &quot;Inspect a report file&quot; to see every part.</source>
        <translation>Cet e-mail a été traité avant que l&apos;exporteur ne conserve son contenu. Il se trouve dans le dossier d&apos;erreurs du compte : enregistrez-le et utilisez « Inspecter un fichier de rapport » pour en voir chaque partie.</translation>
    </message>
    <message>
        <source>Published policy</source>
        <translation>Politique publiée</translation>
    </message>
    <message>
        <source>Domain:</source>
        <translation>Domaine :</translation>
    </message>
    <message>
        <source>Policy (p):</source>
        <translation>Politique (p) :</translation>
    </message>
    <message>
        <source>Subdomain policy (sp):</source>
        <translation>Politique des sous-domaines (sp) :</translation>
    </message>
    <message>
        <source>Percentage (pct):</source>
        <translation>Pourcentage (pct) :</translation>
    </message>
    <message>
        <source>DKIM alignment (adkim):</source>
        <translation>Alignement DKIM (adkim) :</translation>
    </message>
    <message>
        <source>SPF alignment (aspf):</source>
        <translation>Alignement SPF (aspf) :</translation>
    </message>
    <message>
        <source>Non-existent subdomain policy (np):</source>
        <translation>Politique des sous-domaines inexistants (np) :</translation>
    </message>
    <message>
        <source>Testing (t):</source>
        <translation>Test (t) :</translation>
    </message>
    <message>
        <source>Discovery method:</source>
        <translation>Méthode de découverte :</translation>
    </message>
    <message>
        <source>Failure reporting (fo):</source>
        <translation>Rapports d&apos;échec (fo) :</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Enregistrements</translation>
    </message>
    <message>
        <source>The first %1 of %2 records are listed.</source>
        <translation>Les %1 premiers des %2 enregistrements sont listés.</translation>
    </message>
    <message>
        <source>Source IP</source>
        <translation>IP source</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation>Traitement</translation>
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
        <translation>En-tête From</translation>
    </message>
    <message>
        <source>DKIM domain</source>
        <translation>Domaine DKIM</translation>
    </message>
    <message>
        <source>DKIM result</source>
        <translation>Résultat DKIM</translation>
    </message>
    <message>
        <source>SPF domain</source>
        <translation>Domaine SPF</translation>
    </message>
    <message>
        <source>SPF result</source>
        <translation>Résultat SPF</translation>
    </message>
    <message>
        <source>The email</source>
        <translation>L&apos;e-mail</translation>
    </message>
    <message>
        <source>uid %1 in %2 of %3</source>
        <translation>uid %1 dans %2 de %3</translation>
    </message>
    <message>
        <source>Subject: %1</source>
        <translation>Objet : %1</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
    <message>
        <source>Size: %1</source>
        <translation>Taille : %1</translation>
    </message>
    <message>
        <source>The first %1 of %2 parts are listed.</source>
        <translation>Les %1 premières des %2 parties sont listées.</translation>
    </message>
    <message>
        <source>Part</source>
        <translation>Partie</translation>
    </message>
    <message>
        <source>Content type</source>
        <translation>Type de contenu</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>Nom du fichier</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Read as</source>
        <translation>Lu comme</translation>
    </message>
    <message>
        <source>Also in this email:</source>
        <translation>Aussi dans cet e-mail :</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::ReportsTableModel</name>
    <message>
        <source>Counted</source>
        <translation>Compté</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Doublon</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erreur</translation>
    </message>
    <message>
        <source>Processed (UTC)</source>
        <translation>Traité (UTC)</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>Émetteur du rapport</translation>
    </message>
    <message>
        <source>Report ID</source>
        <translation>ID du rapport</translation>
    </message>
    <message>
        <source>Date range</source>
        <translation>Période</translation>
    </message>
    <message>
        <source>Records</source>
        <translation>Enregistrements</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Résultat</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Raison</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SettingsDialog</name>
    <message>
        <source>Welcome to the DMARC metrics exporter</source>
        <translation>Bienvenue dans l&apos;exportateur de métriques DMARC</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <source>&amp;Accounts</source>
        <translation>&amp;Comptes</translation>
    </message>
    <message>
        <source>&amp;General</source>
        <translation>&amp;Général</translation>
    </message>
    <message>
        <source>&amp;Poll interval:</source>
        <translation>&amp;Intervalle d&apos;interrogation :</translation>
    </message>
    <message>
        <source>S&amp;torage folder:</source>
        <translation>Dossier de s&amp;tockage :</translation>
    </message>
    <message>
        <source>Metrics a&amp;ddress:</source>
        <translation>A&amp;dresse des métriques :</translation>
    </message>
    <message>
        <source>Metrics p&amp;ort:</source>
        <translation>P&amp;ort des métriques :</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <source>A&amp;dd</source>
        <translation>A&amp;jouter</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>optional, the user name when empty</source>
        <translation>facultatif, le nom d&apos;utilisateur si vide</translation>
    </message>
    <message>
        <source>TLS (port 993)</source>
        <translation>TLS (port 993)</translation>
    </message>
    <message>
        <source>STARTTLS (port 143)</source>
        <translation>STARTTLS (port 143)</translation>
    </message>
    <message>
        <source>None (unencrypted)</source>
        <translation>Aucune (non chiffré)</translation>
    </message>
    <message>
        <source>&amp;Verify the server certificate</source>
        <translation>Véri&amp;fier le certificat du serveur</translation>
    </message>
    <message>
        <source>Password (LOGIN)</source>
        <translation>Mot de passe (LOGIN)</translation>
    </message>
    <message>
        <source>Password (AUTHENTICATE PLAIN)</source>
        <translation>Mot de passe (AUTHENTICATE PLAIN)</translation>
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
        <translation>Utiliser &amp;IDLE si le serveur le propose</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nom :</translation>
    </message>
    <message>
        <source>Se&amp;rver:</source>
        <translation>Ser&amp;veur :</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port :</translation>
    </message>
    <message>
        <source>S&amp;ecurity:</source>
        <translation>Sécu&amp;rité :</translation>
    </message>
    <message>
        <source>Aut&amp;hentication:</source>
        <translation>Aut&amp;hentification :</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>Nom d&apos;uti&amp;lisateur :</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <source>Token command:</source>
        <translation>Commande du jeton :</translation>
    </message>
    <message>
        <source>Token file:</source>
        <translation>Fichier du jeton :</translation>
    </message>
    <message>
        <source>Token URL:</source>
        <translation>URL du jeton :</translation>
    </message>
    <message>
        <source>Client ID:</source>
        <translation>ID client :</translation>
    </message>
    <message>
        <source>Client secret:</source>
        <translation>Secret client :</translation>
    </message>
    <message>
        <source>Refresh token:</source>
        <translation>Jeton de rafraîchissement :</translation>
    </message>
    <message>
        <source>&amp;Inbox folder:</source>
        <translation>Dossier de récep&amp;tion :</translation>
    </message>
    <message>
        <source>D&amp;one folder:</source>
        <translation>&amp;Dossier des traités :</translation>
    </message>
    <message>
        <source>Error &amp;folder:</source>
        <translation>D&amp;ossier d&apos;erreurs :</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>Tester la conne&amp;xion</translation>
    </message>
    <message>
        <source>read from %1</source>
        <translation>lu depuis %1</translation>
    </message>
    <message>
        <source>New account</source>
        <translation>Nouveau compte</translation>
    </message>
    <message>
        <source>cannot create %1</source>
        <translation>impossible de créer %1</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>impossible d&apos;écrire %1 : %2</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connexion à %1…</translation>
    </message>
    <message>
        <source>Logged in. Folders: %1</source>
        <translation>Connecté. Dossiers : %1</translation>
    </message>
    <message>
        <source>Enter the mailbox that receives your DMARC aggregate reports; the settings are saved to %1.</source>
        <translation>Indiquez la boîte aux lettres qui reçoit vos rapports agrégés DMARC ; les paramètres sont enregistrés dans %1.</translation>
    </message>
    <message>
        <source>Start automaticall&amp;y at login</source>
        <translation>Démarrer automati&amp;quement à la connexion</translation>
    </message>
    <message>
        <source>optional, the PEM file of a private CA</source>
        <translation>facultatif, le fichier PEM d&apos;une AC privée</translation>
    </message>
    <message>
        <source>Trust server certificates issued by this CA, in addition to the system&apos;s CAs</source>
        <translation>Faire confiance aux certificats de serveur émis par cette AC, en plus des AC du système</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>Parco&amp;urir…</translation>
    </message>
    <message>
        <source>CA file:</source>
        <translation>Fichier d&apos;AC :</translation>
    </message>
    <message>
        <source>%1: the CA file %2 holds no PEM certificate</source>
        <translation>%1 : le fichier d&apos;AC %2 ne contient aucun certificat PEM</translation>
    </message>
    <message>
        <source>CA certificate file</source>
        <translation>Fichier de certificat d&apos;AC</translation>
    </message>
    <message>
        <source>PEM certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Certificats PEM (*.pem *.crt *.cer);;Tous les fichiers (*)</translation>
    </message>
    <message>
        <source>%1 holds no PEM certificate</source>
        <translation>%1 ne contient aucun certificat PEM</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SetupAssistant</name>
    <message>
        <source>Start the program as a user who may read it, or without --configuration to set up a configuration of your own.</source>
        <translation>Lancez le programme en tant qu’utilisateur autorisé à lire le fichier, ou sans --configuration pour créer votre propre configuration.</translation>
    </message>
    <message>
        <source>You may not change the file either: have its owner correct it, or start the program without --configuration to set up a configuration of your own.</source>
        <translation>Vous ne pouvez pas non plus modifier le fichier : faites-le corriger par son propriétaire, ou lancez le programme sans --configuration pour créer votre propre configuration.</translation>
    </message>
    <message>
        <source>Correct the settings below; saving writes them to %1.</source>
        <translation>Corrigez les paramètres ci-dessous ; l’enregistrement les écrit dans %1.</translation>
    </message>
    <message>
        <source>DMARC metrics exporter</source>
        <translation>Exportateur de métriques DMARC</translation>
    </message>
    <message>
        <source>There is no configuration file at %1 yet.</source>
        <translation>Il n’y a pas encore de fichier de configuration à %1.</translation>
    </message>
    <message>
        <source>You may not read %1 (%2): it holds an account&apos;s password, so only its owner %3 and the group %4 may read it.</source>
        <translation>Vous ne pouvez pas lire %1 (%2) : il contient le mot de passe d’un compte, seuls son propriétaire %3 et le groupe %4 peuvent donc le lire.</translation>
    </message>
    <message>
        <source>%1 has mistakes:
%2</source>
        <translation>%1 contient des erreurs :
%2</translation>
    </message>
    <message>
        <source>%1 still holds the package&apos;s sample account, with which no login can work:
%2</source>
        <translation>%1 contient encore le compte d’exemple du paquet, avec lequel aucune connexion ne peut réussir :
%2</translation>
    </message>
    <message>
        <source>The exporter cannot start with %1: %2</source>
        <translation>L’exportateur ne peut pas démarrer avec %1 : %2</translation>
    </message>
    <message>
        <source>The metrics port of %1 is taken, by the system service or another program: %2</source>
        <translation>Le port des métriques de %1 est occupé, par le service système ou un autre programme : %2</translation>
    </message>
    <message>
        <source>Set up the exporter for yourself instead: your own settings are used from then on, and the counts are kept in %1.</source>
        <translation>Configurez plutôt l’exportateur pour vous-même : vos propres paramètres seront utilisés dès lors, et les comptages conservés dans %1.</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SourceDomainsModel</name>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SourcesModel</name>
    <message>
        <source>PTR name</source>
        <translation>Nom PTR</translation>
    </message>
    <message>
        <source>Domain</source>
        <translation>Domaine</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>DMARC compliant</source>
        <translation>Conformes DMARC</translation>
    </message>
    <message>
        <source>DKIM aligned</source>
        <translation>Alignés DKIM</translation>
    </message>
    <message>
        <source>SPF aligned</source>
        <translation>Alignés SPF</translation>
    </message>
    <message>
        <source>Quarantined</source>
        <translation>En quarantaine</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Rejetés</translation>
    </message>
    <message>
        <source>First seen</source>
        <translation>Vue la première fois</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Vue la dernière fois</translation>
    </message>
    <message>
        <source>From domains</source>
        <translation>Domaines From</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::SourcesView</name>
    <message>
        <source>Addresses</source>
        <translation>Adresses</translation>
    </message>
    <message>
        <source>Source IP</source>
        <translation>IP source</translation>
    </message>
    <message>
        <source>all time</source>
        <translation>toute la période</translation>
    </message>
    <message>
        <source>Group &amp;by:</source>
        <translation>&amp;Grouper par :</translation>
    </message>
    <message>
        <source>Wit&amp;h failures</source>
        <translation>Avec éc&amp;hecs</translation>
    </message>
    <message>
        <source>Ne&amp;w in the range</source>
        <translation>&amp;Nouvelles dans la période</translation>
    </message>
    <message>
        <source>Source name</source>
        <translation>Nom de la source</translation>
    </message>
    <message>
        <source>Only sources with messages that failed DMARC</source>
        <translation>Seulement les sources dont des messages ont échoué à DMARC</translation>
    </message>
    <message>
        <source>Only addresses the store has no day of before the range</source>
        <translation>Seulement les adresses dont la base ne connaît aucun jour avant la période</translation>
    </message>
    <message>
        <source>Double-click (or Enter) an address for its days, reporters and DKIM and SPF domains, a source name for its addresses</source>
        <translation>Double-cliquez (ou Entrée) sur une adresse pour ses jours, émetteurs et domaines DKIM et SPF, sur un nom de source pour ses adresses</translation>
    </message>
    <message>
        <source>Source %1 (%2)</source>
        <translation>Source %1 (%2)</translation>
    </message>
    <message>
        <source>%1, by report day (UTC): the messages of %2 per day and from domain, and the reporters and DKIM and SPF domains that passed for them.</source>
        <translation>%1, par jour de rapport (UTC) : les messages de %2 par jour et domaine From, et les émetteurs et domaines DKIM et SPF qui ont réussi pour eux.</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>Jour</translation>
    </message>
    <message>
        <source>From domain</source>
        <translation>Domaine From</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>Émetteur du rapport</translation>
    </message>
    <message>
        <source>DKIM domain</source>
        <translation>Domaine DKIM</translation>
    </message>
    <message>
        <source>SPF domain</source>
        <translation>Domaine SPF</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::StatusText</name>
    <message>
        <source>stopped</source>
        <translation>arrêté</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>connexion</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>vérification</translation>
    </message>
    <message>
        <source>processing</source>
        <translation>traitement</translation>
    </message>
    <message>
        <source>waiting for mail</source>
        <translation>en attente de courrier</translation>
    </message>
    <message>
        <source>waiting for next check</source>
        <translation>en attente de la prochaine vérification</translation>
    </message>
    <message>
        <source>reconnecting after an error</source>
        <translation>reconnexion après une erreur</translation>
    </message>
    <message>
        <source>IDLE</source>
        <translation>IDLE</translation>
    </message>
    <message>
        <source>polling</source>
        <translation>interrogation</translation>
    </message>
    <message>
        <source>never</source>
        <translation>jamais</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <source>on new mail</source>
        <translation>à réception de courrier</translation>
    </message>
    <message>
        <source>soon</source>
        <translation>bientôt</translation>
    </message>
    <message>
        <source>last check %1</source>
        <translation>dernière vérification %1</translation>
    </message>
    <message>
        <source>Login refused by %1 for user %2</source>
        <translation>Connexion refusée par %1 pour l&apos;utilisateur %2</translation>
    </message>
    <message>
        <source>Certificate not trusted: issued by %1 for %2 (%3)</source>
        <translation>Certificat non approuvé : émis par %1 pour %2 (%3)</translation>
    </message>
    <message>
        <source>an unknown issuer</source>
        <translation>un émetteur inconnu</translation>
    </message>
    <message>
        <source>no name</source>
        <translation>aucun nom</translation>
    </message>
    <message>
        <source>Server unreachable: %1</source>
        <translation>Serveur injoignable : %1</translation>
    </message>
    <message>
        <source>Mailbox check failed: %1</source>
        <translation>Échec de la vérification de la boîte aux lettres : %1</translation>
    </message>
    <message>
        <source>Not watched by any instance</source>
        <translation>Surveillé par aucune instance</translation>
    </message>
    <message>
        <source>Watched by %1 (this instance)</source>
        <translation>Surveillé par %1 (cette instance)</translation>
    </message>
    <message>
        <source>Watched by %1</source>
        <translation>Surveillé par %1</translation>
    </message>
    <message>
        <source>%1; next try at %2</source>
        <translation>%1 ; prochain essai à %2</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TlsSessionsModel</name>
    <message>
        <source>Policy type</source>
        <translation>Type de politique</translation>
    </message>
    <message>
        <source>Successful sessions</source>
        <translation>Sessions réussies</translation>
    </message>
    <message>
        <source>Failed sessions</source>
        <translation>Sessions échouées</translation>
    </message>
    <message>
        <source>Failure rate</source>
        <translation>Taux d&apos;échec</translation>
    </message>
    <message>
        <source>Top failure types</source>
        <translation>Principaux types d&apos;échec</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TlsView</name>
    <message>
        <source>Policy domain</source>
        <translation>Domaine de la politique</translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation>Émetteur du rapport</translation>
    </message>
    <message>
        <source>Day (UTC)</source>
        <translation>Jour (UTC)</translation>
    </message>
    <message>
        <source>&amp;Group by:</source>
        <translation>&amp;Grouper par :</translation>
    </message>
    <message>
        <source>Double-click (or Enter) a policy domain to see its reporters</source>
        <translation>Double-cliquez (ou Entrée) sur un domaine pour voir ses émetteurs</translation>
    </message>
    <message>
        <source>One report may count the same sessions under more than one policy type: do not add them up.</source>
        <translation>Un rapport peut compter les mêmes sessions sous plusieurs types de politique : ne les additionnez pas.</translation>
    </message>
    <message>
        <source>Reporters: open a policy domain above</source>
        <translation>Émetteurs : ouvrez un domaine ci-dessus</translation>
    </message>
    <message>
        <source>Reporters for %1:</source>
        <translation>Émetteurs pour %1 :</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>(aucun)</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TrayIcon</name>
    <message>
        <source>TLS failures in the last 7 days for %1</source>
        <translation>Échecs TLS ces 7 derniers jours pour %1</translation>
    </message>
    <message>
        <source>Mailbox error</source>
        <translation>Erreur de boîte aux lettres</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Demande votre attention</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>En pause</translation>
    </message>
    <message>
        <source>All good</source>
        <translation>Tout va bien</translation>
    </message>
    <message>
        <source>Open &amp;dashboard</source>
        <translation>Ouvrir le &amp;tableau de bord</translation>
    </message>
    <message>
        <source>&amp;Check now</source>
        <translation>&amp;Vérifier maintenant</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pause</translation>
    </message>
    <message>
        <source>Open &amp;metrics page</source>
        <translation>Ouvrir la page des &amp;métriques</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>P&amp;aramètres…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>DMARC metrics exporter: %1</source>
        <translation>Exportateur de métriques DMARC : %1</translation>
    </message>
    <message>
        <source>Last check: %1</source>
        <translation>Dernière vérification : %1</translation>
    </message>
    <message numerus="yes">
        <source>%Ln invalid report(s) in the last 7 days</source>
        <translation>
            <numerusform>%Ln rapport invalide ces 7 derniers jours</numerusform>
            <numerusform>%Ln rapports invalides ces 7 derniers jours</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2 messages, %3 compliant</source>
        <translation>%1 : %2 messages, %3 conformes</translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TrendChart</name>
    <message>
        <source>DMARC compliant: %1</source>
        <translation>Conformes DMARC : %1</translation>
    </message>
    <message>
        <source>Messages per day</source>
        <translation>Messages par jour</translation>
    </message>
    <message>
        <source>DMARC compliant (%)</source>
        <translation>Conformes DMARC (%)</translation>
    </message>
    <message>
        <source>No reports in this range</source>
        <translation>Aucun rapport sur cette période</translation>
    </message>
    <message>
        <source>Messages and DMARC compliance over time</source>
        <translation>Messages et conformité DMARC dans le temps</translation>
    </message>
    <message>
        <source>%1 to %2</source>
        <translation>du %1 au %2</translation>
    </message>
    <message>
        <source>No reports</source>
        <translation>Aucun rapport</translation>
    </message>
    <message>
        <source>Messages: %1</source>
        <translation>Messages : %1</translation>
    </message>
    <message>
        <source>Messages per month</source>
        <translation>Messages par mois</translation>
    </message>
    <message>
        <source>Messages per week</source>
        <translation>Messages par semaine</translation>
    </message>
    <message>
        <source>Month (UTC, by report day)</source>
        <translation>Mois (UTC, par jour de rapport)</translation>
    </message>
    <message>
        <source>Week from Monday (UTC, by report day)</source>
        <translation>Semaine à partir du lundi (UTC, par jour de rapport)</translation>
    </message>
    <message>
        <source>Day (UTC, by report day)</source>
        <translation>Jour (UTC, par jour de rapport)</translation>
    </message>
</context>
</TS>
