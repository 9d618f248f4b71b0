/* crtk/crtk.h - umbrella header of libcrtk, the cancer registry toolkit: includes every
 * public header (link with `pkg-config --cflags --libs crtk`; docs/library.md). */
#ifndef CRTK_CRTK_H
#define CRTK_CRTK_H

#include "crtk/version.h"
#include "crtk/error.h"
#include "crtk/layouts.h"
#include "crtk/record.h"
#include "crtk/reader.h"
#include "crtk/writer.h"
#include "crtk/generate.h"
#include "crtk/edits.h"
#include "crtk/editdb.h"
#include "crtk/check.h"
#include "crtk/codes.h"
#include "crtk/pipeline.h"
#include "crtk/report.h"
#include "crtk/output.h"
#include "crtk/export.h"

#endif
