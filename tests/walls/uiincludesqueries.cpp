// The control beside uiincludesstore.cpp: the service's read API and the exporter.
#include "service/dashboardqueries.h"
#include "service/exporter.h"
