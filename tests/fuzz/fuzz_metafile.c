/* fuzz_metafile.c - any bytes as an EDITS50 metafile (SQLite) through the in-memory loader
 * (sqlite3_deserialize): it must fail cleanly or give a model that frees cleanly. */
#include "crtk/editdb.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    crtk_editdb *db = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    if (crtk_editdb_load_smf_mem(&db, data, size, &err) == CRTK_OK) {
        for (size_t i = 0; i < crtk_editdb_edit_count(db); i++)
            (void)crtk_editdb_edit_logic(crtk_editdb_edit_at(db, i));
        crtk_editdb_free(db);
    }
    return 0;
}
