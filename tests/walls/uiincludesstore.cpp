// Must not build: the desktop reads the store through the service only (docs/architecture.md 1.1).
#include "store/store.h"
