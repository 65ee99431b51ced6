// libFuzzer target: the streaming aggregate report parser and the counting, fed in two pieces
// split where the first byte says, so the chunk boundaries are fuzzed as well.

#include "report/reportcounter.h"
#include "report/reportparser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    const qsizetype split = input.isEmpty() ? 0 : qsizetype(data[0]) % (input.size() + 1);

    Dmarc::ReportCounter counter;
    Dmarc::ReportParser parser(
        [&counter](const Dmarc::ReportRecord &record) { counter.add(record); },
        [&counter] { counter = Dmarc::ReportCounter(); });
    if (parser.addData(input.first(split)))
        parser.addData(input.sliced(split));
    const Dmarc::Result<void> done = parser.finish();

    // Whole input at once must agree with the split one, recoveries included (where Qt's reader
    // notices an error may differ by a column, so messages are not compared).
    const Dmarc::Result<Dmarc::AggregateReport> whole = Dmarc::parseAggregateReport(input);
    if (done.ok() != whole.ok())
        __builtin_trap();
    if (done.ok()) {
        const Dmarc::ReportCounts counts = counter.result(parser.metadata(), parser.policy());
        quint64 messages = 0;
        for (const Dmarc::ReportRecord &record : whole->records) {
            if (record.hasRow)
                messages += record.count;
        }
        if (counts.messages != messages)
            __builtin_trap();
    }
    return 0;
}
