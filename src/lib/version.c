/* version.c - the version of the library that is linked (the headers say theirs). */
#include "crtk/version.h"

const char *crtk_version(void)
{
    return CRTK_VERSION_STRING;
}
