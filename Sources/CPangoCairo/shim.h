#ifndef MAILBATCH_CPANGOCAIRO_SHIM_H
#define MAILBATCH_CPANGOCAIRO_SHIM_H

#include <pango/pangocairo.h>
#include <cairo/cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <hb.h>
#include <hb-subset.h>
#include <pango/pangofc-fontmap.h>

#endif
