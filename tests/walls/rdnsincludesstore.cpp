// Must not build: the reverse DNS module hands what it learns to a cache interface of its own and
// knows no store (the store implements the interface; docs/architecture.md 1.1).
#include "store/store.h"
