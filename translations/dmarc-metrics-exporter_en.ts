<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Dmarc::Ui::Notifier</name>
    <message numerus="yes">
        <source>%n new source(s) failing DMARC</source>
        <translation>
            <numerusform>%n new source failing DMARC</numerusform>
            <numerusform>%n new sources failing DMARC</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n email(s) could not be read as a report; see Recent reports.</source>
        <translation>
            <numerusform>%n email could not be read as a report; see Recent reports.</numerusform>
            <numerusform>%n emails could not be read as a report; see Recent reports.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n mailbox problem(s)</source>
        <translation>
            <numerusform>%n mailbox problem</numerusform>
            <numerusform>%n mailbox problems</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new failing source(s)</source>
        <translation>
            <numerusform>%n new failing source</numerusform>
            <numerusform>%n new failing sources</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n invalid report(s)</source>
        <translation>
            <numerusform>%n invalid report</numerusform>
            <numerusform>%n invalid reports</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::StatusText</name>
    <message numerus="yes">
        <source>%1 from %2: %n report(s) counted</source>
        <translation>
            <numerusform>%1 from %2: %n report counted</numerusform>
            <numerusform>%1 from %2: %n reports counted</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n duplicate(s)</source>
        <translation>
            <numerusform>%n duplicate</numerusform>
            <numerusform>%n duplicates</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TrayIcon</name>
    <message numerus="yes">
        <source>%n invalid report(s) in the last 7 days</source>
        <translation>
            <numerusform>%n invalid report in the last 7 days</numerusform>
            <numerusform>%n invalid reports in the last 7 days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TrendChart</name>
    <message numerus="yes">
        <source>%1
%n message(s)</source>
        <translation>
            <numerusform>%1
%n message</numerusform>
            <numerusform>%1
%n messages</numerusform>
        </translation>
    </message>
</context>
</TS>
