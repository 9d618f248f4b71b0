/* charset.c - placeholder until the module lands. */
#include "charset_internal.h"
