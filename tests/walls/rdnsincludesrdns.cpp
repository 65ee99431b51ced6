// The control beside rdnsincludesstore.cpp: the reverse DNS module's own headers and common's.
#include "common/result.h"
#include "rdns/reversednsresolver.h"
