/* fuzz_profile.c - export profile parser: any bytes, never a crash, leak or hang. */
#include <crtk/export.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crtk_profile *p = NULL;
    crtk_error err;

    if (crtk_profile_parse(&p, "fuzz", (const char *)data, size, &err) == CRTK_OK &&
        crtk_profile_set(p, "record_type", "I", &err) < 0)
        err.line = 0;
    crtk_profile_free(p);
    return 0;
}
