/* fuzz_edits_parse.c - compile arbitrary bytes as an edit (fields, one table and messages
 * known); if it compiles, disassemble it and run it once on blank fields with a small
 * instruction budget. Neither stage may crash, hang or leak whatever the input. */
#include "crtk/edits.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

static const struct {
    const char *name;
    int width;
} fields[] = {{"Laterality", 1}, {"Primary Site", 4}, {"Date of Diagnosis", 8}, {"Age", 3}};

static int resolve(void *ctx, const char *name, int *width)
{
    (void)ctx;
    for (int i = 0; i < (int)(sizeof fields / sizeof fields[0]); i++)
        if (strcasecmp(name, fields[i].name) == 0) {
            *width = fields[i].width;
            return i;
        }
    return -1;
}

static crtk_edit_table *table;

static crtk_edit_table *tables(void *ctx, const char *name)
{
    (void)ctx;
    return strcasecmp(name, "T") == 0 ? table : NULL;
}

static const char *message(void *ctx, long number)
{
    (void)ctx;
    return number == 1 ? "%F1 %V1 %DC %F9" : NULL;
}

static void make_table(void)
{
    static const char *const rows[][2] = {{"C340", "Lung"}, {"C500", "Breast"}, {"C340", "x"}};

    if (table || crtk_edit_table_new(&table, "T", NULL) != CRTK_OK)
        return;
    if (crtk_edit_table_add_column(table, "CODE", NULL) != CRTK_OK ||
        crtk_edit_table_add_column(table, "NAME", NULL) != CRTK_OK)
        return;
    for (int i = 0; i < 3; i++)
        if (crtk_edit_table_add_row(table, rows[i], 2, NULL) != CRTK_OK)
            return;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const order[] = {"Laterality", "Primary Site"};
    crtk_edit_options opt = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit *e = NULL;
    crtk_edit_state *st = NULL;
    crtk_edit_result res;
    char *dump = NULL;

    make_table();
    opt.resolve = resolve;
    opt.table = tables;
    opt.message = message;
    opt.fields = order;
    opt.nfields = 2;
    opt.default_message = 1;
    opt.today = "20240615";
    opt.max_instructions = 20000;
    if (crtk_edit_compile(&e, "fuzz", (const char *)data, size, &opt, NULL) != CRTK_OK)
        return 0;
    if (crtk_edit_dump(&dump, e) == CRTK_OK)
        crtk_free(dump);
    if (crtk_edit_state_new(&st) == CRTK_OK) {
        if (crtk_edit_run(e, st, NULL, NULL, &res) == CRTK_OK)
            (void)res;
        crtk_edit_state_free(st);
    }
    crtk_edit_free(e);
    return 0;
}
