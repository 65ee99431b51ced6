// The control beside uiincludesimap.cpp: the service's account test, with the settings it takes.
#include "imap/imapsettings.h"
#include "service/accounttest.h"
