/* crtk/crtk.h - umbrella header of libcrtk, the cancer registry toolkit. */
#ifndef CRTK_CRTK_H
#define CRTK_CRTK_H

#include "crtk/error.h"
#include "crtk/layouts.h"
#include "crtk/record.h"
#include "crtk/reader.h"
#include "crtk/writer.h"
#include "crtk/export.h"

#define CRTK_VERSION_STRING "0.1.0"

#endif
