// The control beside imapincludesreport.cpp: IMAP's own headers and common's.
#include "common/result.h"
#include "imap/imapsession.h"
