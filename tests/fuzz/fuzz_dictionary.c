/* fuzz_dictionary.c - NAACCR user-defined dictionary reader (NaaccrDictionary XML): any bytes
 * are loaded and, when they load, combined with their base dictionary. The registry of
 * built-in layouts is made once; what an input added is taken out again after it. */
#include "layouts_internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Drop the layouts and combinations added since the registry held n and ncomb of them. */
static void restore(crtk_layouts *ls, int n, int ncomb)
{
    while (ls->ncomb > ncomb) {
        ls->ncomb--;
        free(ls->comb[ls->ncomb].users);
        crtk__layout_free(ls->comb[ls->ncomb].result);
    }
    while (ls->n > n)
        crtk__layout_free(ls->list[--ls->n]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static crtk_layouts *ls;
    static int n0, ncomb0;
    const crtk_layout *l = NULL, *combined = NULL;

    if (!ls) {
        if (crtk_layouts_new(&ls, NULL) < 0)
            return 0;
        n0 = ls->n;
        ncomb0 = ls->ncomb;
    }
    if (crtk_layouts_add_dictionary_mem(ls, "fuzz.xml", (const char *)data, size, &l, NULL) ==
        CRTK_OK) {
        int v = crtk_layout_version(l);
        const crtk_layout *base = crtk_layouts_dictionary(ls, v ? v : 250);
        if (base)
            (void)!crtk_layouts_combine(ls, base, &l, 1, &combined, NULL);
    }
    restore(ls, n0, ncomb0);
    return 0;
}
