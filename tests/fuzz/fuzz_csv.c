/* fuzz_csv.c - CSV reader: any bytes, never a crash, leak or hang. Odd sizes supply a
 * version so inputs without a naaccrRecordVersion column still reach the rows. */
#include <crtk/crtk.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static crtk_layouts *ls; /* built once; combined dictionaries are cached in it */
    static const char *const enc[] = {NULL, "utf-8", "windows-1252", "latin1"};
    crtk_reader_opts o = CRTK_READER_OPTS_INIT;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;

    o.format = CRTK_FORMAT_CSV;
    o.naaccr_version = size % 2 ? 180 : 0;
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
