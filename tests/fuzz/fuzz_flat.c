/* fuzz_flat.c - fixed-width reader: any bytes, never a crash, leak or hang. Odd sizes force
 * NAACCR 18 so inputs without a valid version still reach the line parser. */
#include <crtk/crtk.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static crtk_layouts *ls; /* built once: the registry is read-only for a reader */
    static const char *const enc[] = {NULL, "utf-8", "windows-1252", "latin1"};
    crtk_reader_opts o = CRTK_READER_OPTS_INIT;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;

    o.format = CRTK_FORMAT_FLAT;
    o.naaccr_version = size % 2 ? 180 : 0;
    o.record_type = 'I';
    o.encoding = enc[(size / 2) % 4];
    o.max_tumors = 50;
    if ((!ls && crtk_layouts_new(&ls, NULL) < 0) || crtk_record_new(&rec) < 0)
        return 0;
    if (crtk_reader_open_mem(&rd, data, size, ls, &o, NULL) == CRTK_OK)
        while (crtk_reader_next(rd, rec) > 0)
            ;
    crtk_reader_free(rd);
    crtk_record_free(rec);
    return 0;
}
