#ifndef MAILBATCH_CQPDF_SHIM_H
#define MAILBATCH_CQPDF_SHIM_H

#include <qpdf/qpdf-c.h>

#endif
