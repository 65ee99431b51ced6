// Must not build: the sources module names an IP from plain values and knows no report, store or
// configuration (docs/architecture.md 1.1).
#include "report/counters.h"
