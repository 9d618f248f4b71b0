/* fuzz_editdb_dir.c - any bytes as one edits/<TAG>.edit file of the text format
 * (docs/edits-format.md), parsed without cross-reference checks. */
#include "editdb_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crtk_editdb_edit e;
    crtk_error err = CRTK_ERROR_INIT;
    char *buf = malloc(size + 1); /* the parser wants a NUL-terminated, NUL-free buffer */

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    if (!memchr(buf, '\0', size) &&
        crtk__editdb_parse_edit(&e, buf, size, "fuzz.edit", &err) == CRTK_OK)
        crtk__editdb_edit_clear(&e);
    free(buf);
    return 0;
}
