// The control beside sourcesincludesreport.cpp: the sources module's own headers and common's.
#include "common/result.h"
#include "sources/sourcenamer.h"
