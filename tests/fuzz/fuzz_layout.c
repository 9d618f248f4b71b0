/* fuzz_layout.c - crtk's layout file reader (docs/layout-format.md): any bytes are parsed and,
 * when they load as a fixed-width layout, used to read two lines. The registry of built-in
 * layouts is made once; the layout an input added is taken out again after it. */
#include "layouts_internal.h"
#include <crtk/crtk.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static crtk_layouts *ls;
    static int n0;
    static char lines[2 * 4049];
    crtk_reader_opts o = CRTK_READER_OPTS_INIT;
    const crtk_layout *l = NULL;
    crtk_reader *rd = NULL;
    crtk_record *rec = NULL;

    if (!ls) {
        if (crtk_layouts_new(&ls, NULL) < 0)
            return 0;
        n0 = ls->n;
        memset(lines, '1', sizeof lines);
        lines[4048] = '\n';
        lines[sizeof lines - 1] = '\n';
    }
    if (crtk_layouts_add_text(ls, "fuzz.layout", (const char *)data, size, &l, NULL) == CRTK_OK &&
        crtk_layout_kind_of(l) == CRTK_LAYOUT_FLAT && crtk_record_new(&rec) == CRTK_OK) {
        o.format = CRTK_FORMAT_FLAT;
        o.layout = l;
        if (crtk_reader_open_mem(&rd, lines, sizeof lines, ls, &o, NULL) == CRTK_OK)
            while (crtk_reader_next(rd, rec) > 0)
                ;
    }
    crtk_reader_free(rd);
    crtk_record_free(rec);
    while (ls->n > n0)
        crtk__layout_free(ls->list[--ls->n]);
    return 0;
}
