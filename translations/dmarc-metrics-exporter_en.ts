<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Dmarc::Ui::ActivityLogView</name>
    <message numerus="yes">
        <source>%n duplicate(s)</source>
        <translation>
            <numerusform>%n duplicate</numerusform>
            <numerusform>%n duplicates</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n report(s) counted</source>
        <translation>
            <numerusform>%n report counted</numerusform>
            <numerusform>%n reports counted</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n TLS report(s) counted</source>
        <translation>
            <numerusform>%n TLS report counted</numerusform>
            <numerusform>%n TLS reports counted</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failure report(s) counted</source>
        <translation>
            <numerusform>%n failure report counted</numerusform>
            <numerusform>%n failure reports counted</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::Notifier</name>
    <message numerus="yes">
        <source>%1 as %2: %Ln message(s) failed DMARC</source>
        <translation>
            <numerusform>%1 as %2: %Ln message failed DMARC</numerusform>
            <numerusform>%1 as %2: %Ln messages failed DMARC</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln new source(s) failing DMARC</source>
        <translation>
            <numerusform>%Ln new source failing DMARC</numerusform>
            <numerusform>%Ln new sources failing DMARC</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln email(s) could not be read as a report; see Recent reports.</source>
        <translation>
            <numerusform>%Ln email could not be read as a report; see Recent reports.</numerusform>
            <numerusform>%Ln emails could not be read as a report; see Recent reports.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln mailbox problem(s)</source>
        <translation>
            <numerusform>%Ln mailbox problem</numerusform>
            <numerusform>%Ln mailbox problems</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln new failing source(s)</source>
        <translation>
            <numerusform>%Ln new failing source</numerusform>
            <numerusform>%Ln new failing sources</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln invalid report(s)</source>
        <translation>
            <numerusform>%Ln invalid report</numerusform>
            <numerusform>%Ln invalid reports</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Dmarc::Ui::TrayIcon</name>
    <message numerus="yes">
        <source>%Ln invalid report(s) in the last 7 days</source>
        <translation>
            <numerusform>%Ln invalid report in the last 7 days</numerusform>
            <numerusform>%Ln invalid reports in the last 7 days</numerusform>
        </translation>
    </message>
</context>
</TS>
