/* fuzz_edits_parse.c - compile arbitrary bytes as an edit (fields, one table and messages
 * known); if it compiles, disassemble it and run it on a few sets of field values with a
 * small instruction budget. Neither stage may crash, hang or leak whatever the input. Two
 * shortcuts are checked against the VM on every run: the pure opening decided without the
 * VM (crtk_edit_run) must give what the VM alone gives, and an edit whose blank guard field
 * is blank must pass. */
#include "crtk/edits.h"
#include "edits/edits_fast.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
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

/* Field values of one run, blank-padded to each field's width. */
typedef struct vals {
    char buf[4][16];
} vals;

static const char *value(void *ctx, int slot)
{
    vals *v = ctx;
    return slot >= 0 && slot < 4 ? v->buf[slot] : NULL;
}

static void set_vals(vals *v, const char *const *s)
{
    for (int i = 0; i < 4; i++) {
        size_t n = strlen(s[i]), w = (size_t)fields[i].width;
        memset(v->buf[i], ' ', sizeof v->buf[i]);
        memcpy(v->buf[i], s[i], n < w ? n : w);
        v->buf[i][w] = '\0';
    }
}

static bool same_result(const crtk_edit_result *a, const crtk_edit_result *b)
{
    if (a->status != b->status || a->nmessages != b->nmessages)
        return false;
    for (size_t i = 0; i < a->nmessages; i++)
        if (a->messages[i].type != b->messages[i].type ||
            a->messages[i].number != b->messages[i].number ||
            strcmp(a->messages[i].text, b->messages[i].text) != 0)
            return false;
    return true;
}

static void check_shortcuts(const crtk_edit *e, crtk_edit_state *st, crtk_edit_state *st2, vals *v)
{
    crtk_edit_result fast, slow;
    int guard[8], ng;

    if (crtk_edit_run(e, st, value, v, &fast) != CRTK_OK ||
        crtk__edits_run_vm(e, st2, value, v, &slow) != CRTK_OK)
        return;
    if (!same_result(&fast, &slow)) {
        fprintf(stderr, "pure opening: status %d, VM: status %d\n", fast.status, slow.status);
        __builtin_trap();
    }
    ng = crtk_edit_blank_guard(e, guard, 8);
    for (int g = 0; g < ng; g++) {
        const char *f = guard[g] >= 0 && guard[g] < 4 ? v->buf[guard[g]] : NULL;
        if (f && strspn(f, " ") == strlen(f) && slow.status != CRTK_EDIT_PASS) {
            fprintf(stderr, "blank guard field %d, but the VM gives status %d\n", guard[g],
                    slow.status);
            __builtin_trap();
        }
    }
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
        static const char *const sets[][4] = {
            {"", "", "", ""},
            {"1", "C340", "20240101", "065"},
            {"9", "C500", "2024", "999"},
            {"0", "C80 ", "20241399", "   "},
            {" ", "", "99999999", "12"},
        };
        crtk_edit_state *st2 = NULL;
        vals v;
        if (crtk_edit_run(e, st, NULL, NULL, &res) == CRTK_OK)
            (void)res;
        if (crtk_edit_state_new(&st2) == CRTK_OK) {
            for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
                set_vals(&v, sets[k]);
                check_shortcuts(e, st, st2, &v);
            }
            crtk_edit_state_free(st2);
        }
        crtk_edit_state_free(st);
    }
    crtk_edit_free(e);
    return 0;
}
