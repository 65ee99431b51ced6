// Must not build: the desktop opens no IMAP connection itself (docs/architecture.md 1.1).
#include "imap/imapsession.h"
