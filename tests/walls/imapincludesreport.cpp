// Must not build: IMAP moves bytes and knows folders, never reports (docs/architecture.md 1.1).
#include "report/counters.h"
