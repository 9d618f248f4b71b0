/* check_edits_run.c - compiling and running whole edits: results, messages and their
 * %F/%V/%DC expansion, ERROR_TEXT/SAVE_TEXT semantics, warnings, FUNCTION, the instruction
 * budget, tablevar lookups, the disassembler and concurrent runs. */
#include "edits_test.h"

#include <pthread.h>

static tfield fields[] = {
    {"Laterality", 1, "7"},
    {"Primary Site", 4, "C340"},
    {"Date of Diagnosis", 8, "20100229"},
    {"D", 1, "d"},
    {"E", 1, "e"},
    {"F", 1, "f"},
    {"G", 1, "g"},
    {"H", 1, "h"},
    {"I", 1, "i"},
    {"J", 1, "j"},
    {"K", 1, "k"},
};
static trecord rec = {fields, NELEM(fields), {{0}}};

static crtk_edit_table *sites, *ranges, *gp;

static crtk_edit_table *tables(void *ctx, const char *name)
{
    (void)ctx;
    if (strcasecmp(name, "SITES") == 0)
        return sites;
    if (strcasecmp(name, "RANGES") == 0)
        return ranges;
    if (strcasecmp(name, "GP") == 0)
        return gp;
    return NULL;
}

static crtk_edit_table *
mktable(const char *name, const char *const *cols, int ncols, const char *const *cells, int nrows)
{
    crtk_edit_table *t;

    ck_assert_int_eq(crtk_edit_table_new(&t, name, NULL), CRTK_OK);
    for (int i = 0; i < ncols; i++)
        ck_assert_int_eq(crtk_edit_table_add_column(t, cols[i], NULL), CRTK_OK);
    for (int r = 0; r < nrows; r++)
        ck_assert_int_eq(crtk_edit_table_add_row(t, cells + r * ncols, (size_t)ncols, NULL),
                         CRTK_OK);
    return t;
}

static void setup(void)
{
    static const char *const scols[] = {"CODE", "NAME", "GRP"};
    static const char *const srows[] = {"C500", "Breast  ", "B", "C340", "Lung",     "L",
                                        "C340", "Lung dup", "X", "C619", "Prostate", "P"};
    static const char *const rcols[] = {"LO", "VAL"};
    static const char *const rrows[] = {"200", "b", "100", "a", "300", "c", "200", "b2"};
    static const char *const gcols[] = {"GPNAME", "SITELOW", "X"};
    static const char *const grows[] = {"Bones", "C420", "1", "Lung  ", "C340", "2"};

    sites = mktable("SITES", scols, 3, srows, 4);
    ranges = mktable("RANGES", rcols, 2, rrows, 4);
    gp = mktable("GP", gcols, 3, grows, 2);
    fields[0].value = "7";
    fields[2].value = "20100229";
}

static void teardown(void)
{
    crtk_edit_table_free(sites);
    crtk_edit_table_free(ranges);
    crtk_edit_table_free(gp);
}

static crtk_edit_options options(void)
{
    crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;

    o.resolve = tf_resolve;
    o.resolve_ctx = &rec;
    o.table = tables;
    o.message = tm_message;
    o.default_message = 1000;
    o.today = TEST_TODAY;
    return o;
}

static crtk_edit *compile(const char *src, const crtk_edit_options *o)
{
    crtk_edit *e = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    int rc = crtk_edit_compile(&e, "test", src, strlen(src), o, &err);

    ck_assert_msg(rc == CRTK_OK, "compile: %s:%ld:%ld: %s", err.source, err.line, err.column,
                  err.message);
    return e;
}

/* Compile and run src once; the result stays valid until st is reused or freed. */
static crtk_edit_result run_with(const char *src, const crtk_edit_options *o, crtk_edit_state **st)
{
    crtk_edit *e = compile(src, o);
    crtk_edit_result res;

    if (!*st)
        ck_assert_int_eq(crtk_edit_state_new(st), CRTK_OK);
    ck_assert_int_eq(crtk_edit_run(e, *st, tf_value, &rec, &res), CRTK_OK);
    crtk_edit_free(e); /* messages live in the state, not the edit */
    return res;
}

#define LATERALITY                                            \
    "if (EMPTY(#S\"Laterality\")) return PASS;\n"             \
    "if (INLIST(#S\"Laterality\", \"0-5,9\")) return PASS;\n" \
    "return FAIL;\n"

START_TEST(test_fail_gives_default_message_with_placeholders)
{
    static const char *const fl[] = {"Laterality"};
    crtk_edit_options o = options();
    crtk_edit_state *st = NULL;
    crtk_edit_result r;

    o.fields = fl;
    o.nfields = 1;
    r = run_with(LATERALITY, &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_FAIL);
    ck_assert_int_eq(r.returned, 0);
    ck_assert_uint_eq(r.nmessages, 1);
    ck_assert_int_eq(r.messages[0].type, CRTK_EDIT_MSG_ERROR);
    ck_assert_int_eq(r.messages[0].number, 1000);
    ck_assert_str_eq(r.messages[0].text, "Laterality is not valid: \"7\"");
    fields[0].value = "3";
    r = run_with(LATERALITY, &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_PASS);
    ck_assert_uint_eq(r.nmessages, 0);
    fields[0].value = "";
    r = run_with(LATERALITY, &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_PASS);
    crtk_edit_state_free(st);
}
END_TEST

START_TEST(test_field_order_defaults_to_first_reference)
{
    crtk_edit_options o = options();
    crtk_edit *e = compile("if (EMPTY(#S\"primary site\")) return PASS;"
                           "if (EMPTY(#S\"Laterality\") || EMPTY(#S\"PRIMARY SITE\")) return 1;"
                           "return ERROR_MSG(1001);",
                           &o);
    crtk_edit_state *st = NULL;
    crtk_edit_result r;
    int slot;

    ck_assert_uint_eq(crtk_edit_nfields(e), 2);
    ck_assert_str_eq(crtk_edit_field(e, 0, &slot), "primary site");
    ck_assert_int_eq(slot, 1);
    ck_assert_str_eq(crtk_edit_field(e, 1, &slot), "Laterality");
    ck_assert_ptr_null(crtk_edit_field(e, 2, &slot));
    ck_assert_int_eq(crtk_edit_state_new(&st), CRTK_OK);
    ck_assert_int_eq(crtk_edit_run(e, st, tf_value, &rec, &r), CRTK_OK);
    ck_assert_int_eq(r.status, CRTK_EDIT_FAIL);
    ck_assert_uint_eq(r.nmessages, 1);
    ck_assert_int_eq(r.messages[0].number, 1001);
    ck_assert_str_eq(r.messages[0].text, "Conflict among primary site and Laterality");
    crtk_edit_state_free(st);
    crtk_edit_free(e);
}
END_TEST

START_TEST(test_higher_placeholder_indexes_win)
{
    static const char *const fl[] = {
        "Laterality", "Primary Site", "D", "E", "F", "G", "H", "I", "J", "K"};
    crtk_edit_options o = options();
    crtk_edit_state *st = NULL;
    crtk_edit_result r;

    o.fields = fl;
    o.nfields = 10;
    r = run_with("return ERROR_MSG(1003);", &o, &st);
    ck_assert_uint_eq(r.nmessages, 1);
    /* %F10 is field 10; %F11 is %F1 followed by "1" */
    ck_assert_str_eq(r.messages[0].text, "K|Laterality|C340|Laterality1");
    crtk_edit_state_free(st);
}
END_TEST

START_TEST(test_dc_placeholder)
{
    static const char *const fl[] = {"Date of Diagnosis"};
    crtk_edit_options o = options();
    crtk_edit_state *st = NULL;
    crtk_edit_result r;

    o.fields = fl;
    o.nfields = 1;
    o.default_message = 1002;
    r = run_with("if (VALID_DATE_IOP(#S\"Date of Diagnosis\")) return PASS; return FAIL;", &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_FAIL);
    ck_assert_str_eq(r.messages[0].text, "Date of Diagnosis is invalid as to day: \"20100229\"");
    fields[2].value = "20250101";
    r = run_with("if (VALID_DATE_IOP(#S\"Date of Diagnosis\")) return PASS; return FAIL;", &o, &st);
    ck_assert_str_eq(r.messages[0].text, "Date of Diagnosis is invalid as to year: \"20250101\"");
    fields[2].value = "20240616";
    r = run_with("if (VALID_DATE_IOP(#S\"Date of Diagnosis\")) return PASS; return FAIL;", &o, &st);
    ck_assert_str_eq(r.messages[0].text, "Date of Diagnosis is future date: \"20240616\"");
    fields[2].value = "2024  01";
    r = run_with("if (VALID_DATE_IOP(#S\"Date of Diagnosis\")) return PASS; return FAIL;", &o, &st);
    ck_assert_str_eq(r.messages[0].text, "Date of Diagnosis is invalid: \"2024  01\"");
    fields[2].value = "20240401";
    r = run_with("if (VALID_DATE_IOP(#S\"Date of Diagnosis\")) return PASS; return FAIL;", &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_PASS);
    crtk_edit_state_free(st);
}
END_TEST

typedef struct rcase {
    const char *src;
    int status;
    int nmsg;
    long number0;      /* first message number */
    const char *text0; /* first message text (NULL: don't check) */
    int type0;
} rcase;

static const rcase result_cases[] = {
    {"return PASS;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"return TRUE;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"return 1;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"return WARN;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"int x; x = 1;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"return FALSE;", CRTK_EDIT_FAIL, 1, 1000, NULL, 'E'},
    {"return 0;", CRTK_EDIT_FAIL, 1, 1000, NULL, 'E'},
    {"return 77;", CRTK_EDIT_FAIL, 1, 77, "seventy-seven", 'E'},
    {"int x; x = 3; return x;", CRTK_EDIT_FAIL, 1, 1000, NULL, 'E'},
    {"ERROR_TEXT(\"x\"); return PASS;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"return ERROR_TEXT(\"bad %V1 \");", CRTK_EDIT_FAIL, 1, 0, "bad 7", 'E'},
    {"char t[20]; STRCPY(t, \"from var\"); return ERROR_TEXT(t);", CRTK_EDIT_FAIL, 1, 0, "from var",
     'E'},
    {"ERROR_MSG(1001); return FAIL;", CRTK_EDIT_FAIL, 1, 1001,
     "Conflict among Laterality and Primary Site", 'E'},
    {"ERROR_MSG(1001); return PASS;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"SAVE_TEXT(\"note %F2\"); return PASS;", CRTK_EDIT_FAIL, 1, 0, "note Primary Site", 'M'},
    {"SAVE_TEXT(\"a\"); SAVE_TEXT(\"b\"); return FAIL;", CRTK_EDIT_FAIL, 3, 0, "a", 'M'},
    {"SAVE_ERROR_TEXT(1000, \"extra \", \"%V2\"); return PASS;", CRTK_EDIT_FAIL, 1, 1000,
     "extra C340", 'E'},
    {"SAVE_ERROR_TEXT(1001); return PASS;", CRTK_EDIT_FAIL, 1, 1001,
     "Conflict among Laterality and Primary Site", 'E'},
    {"SAVE_ERROR_TEXT(\"free text\"); return PASS;", CRTK_EDIT_FAIL, 1, 0, "free text", 'E'},
    {"SET_ERROR(77, \"ignored\"); return PASS;", CRTK_EDIT_FAIL, 1, 77, "seventy-seven", 'E'},
    {"SAVE_WARNING_TEXT(1000); return PASS;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"SET_WARNING(1000); return PASS;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"int n; FUNCTION bump() { int k; k = 1; n = n + k; } bump(); bump();"
     " if (n == 2) return PASS; return FAIL;",
     CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"check(); return PASS; FUNCTION check() { return FAIL; }", CRTK_EDIT_FAIL, 1, 1000, NULL, 'E'},
    {"int n; n = n + 1; if (n == 1) return PASS; return FAIL;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
    {"/* comment */ If (TRUE) Return pass; ELSE RETURN fail; /* trailing */", CRTK_EDIT_PASS, 0, 0,
     NULL, 0},
    {"return ERROR_MSG(4242);", CRTK_EDIT_FAIL, 1, 4242, "message 4242", 'E'},
    /* SAVE_TEXT & co return 0, as the reference engine: returning it fails with both texts */
    {"return SAVE_TEXT(\"x\");", CRTK_EDIT_FAIL, 2, 0, "x", 'M'},
    {"if (SAVE_TEXT(\"x\") == 0) return PASS; return FAIL;", CRTK_EDIT_FAIL, 1, 0, "x", 'M'},
    {"return SET_ERROR(77);", CRTK_EDIT_FAIL, 2, 77, "seventy-seven", 'E'},
    /* a NAACCR idiom: texts saved, then a flag decides */
    {"int err_flag; err_flag = 0; SAVE_TEXT(\"site %V2\"); err_flag = 1;"
     " if (err_flag) return FAIL; return PASS;",
     CRTK_EDIT_FAIL, 2, 0, "site C340", 'M'},
    /* user exits: USR2 fails with its message, or the default one; USR4 is TRUE */
    {"USR2(\"from usr2\"); return PASS;", CRTK_EDIT_FAIL, 1, 0, "from usr2", 'E'},
    {"USR2(); return PASS;", CRTK_EDIT_FAIL, 1, 1000, NULL, 'E'},
    {"if (USR4()) return PASS; return FAIL;", CRTK_EDIT_PASS, 0, 0, NULL, 0},
};

START_TEST(test_results)
{
    static const char *const fl[] = {"Laterality", "Primary Site"};
    const rcase *c = &result_cases[_i];
    crtk_edit_options o = options();
    crtk_edit_state *st = NULL;
    crtk_edit_result r;

    o.fields = fl;
    o.nfields = 2;
    /* run twice on the same state: results must not leak between runs */
    for (int pass = 0; pass < 2; pass++) {
        r = run_with(c->src, &o, &st);
        ck_assert_msg((int)r.status == c->status, "%s: status %d", c->src, r.status);
        ck_assert_msg((int)r.nmessages == c->nmsg, "%s: %zu messages", c->src, r.nmessages);
        if (c->nmsg) {
            ck_assert_int_eq(r.messages[0].number, c->number0);
            ck_assert_int_eq(r.messages[0].type, c->type0);
            if (c->text0)
                ck_assert_str_eq(r.messages[0].text, c->text0);
        }
    }
    crtk_edit_state_free(st);
}
END_TEST

START_TEST(test_fail_warnings_option)
{
    crtk_edit_options o = options();
    crtk_edit_state *st = NULL;
    crtk_edit_result r;

    o.fail_warnings = 1;
    r = run_with("SAVE_WARNING_TEXT(77); return PASS;", &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_FAIL);
    ck_assert_uint_eq(r.nmessages, 1);
    ck_assert_str_eq(r.messages[0].text, "seventy-seven");
    r = run_with("SET_WARNING(77); return PASS;", &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_FAIL);
    crtk_edit_state_free(st);
}
END_TEST

START_TEST(test_instruction_budget_stops_infinite_loops)
{
    crtk_edit_options o = options();
    crtk_edit_state *st = NULL;
    crtk_edit_result r;

    o.max_instructions = 5000;
    r = run_with("while (1);", &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_ERROR);
    ck_assert_str_eq(r.error, "instruction budget exceeded");
    ck_assert_int_eq(r.error_line, 1);
    o.max_instructions = 0; /* default budget */
    r = run_with("int i;\nwhile (i >= 0) {\n  i = i + 1;\n}\nreturn PASS;", &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_ERROR);
    ck_assert_int_ge(r.error_line, 2);
    r = run_with("FUNCTION f() { f(); } f(); return PASS;", &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_ERROR);
    ck_assert_str_eq(r.error, "FUNCTION calls nested too deeply");
    /* string work in a long loop keeps memory flat (the arena is recycled per statement) */
    r = run_with("int i; char d[100]; while (i < 10000) { STRCPY(d, UPPER(\"abcdefghij\"));"
                 " i = i + 1; } return PASS;",
                 &o, &st);
    ck_assert_int_eq(r.status, CRTK_EDIT_PASS);
    crtk_edit_state_free(st);
}
END_TEST

/* ---- lookups ------------------------------------------------------------------------- */

static const str_case lookup_cases[] = {
    {"tablevar NAME, GRP; LOOKUP(\"C340\", \"SITES.CODE\"); NAME", "Lung"},
    {"tablevar NAME, GRP; LOOKUP(\"C340  \", \"sites.code\"); GRP", "L"},
    {"tablevar NAME; LOOKUP(\"C500\", \"SITES.CODE\"); NAME", "Breast"},
    {"tablevar NAME; LOOKUP(\"C500\", \"SITES.CODE\"); LOOKUP(\"C999\", \"SITES.CODE\"); NAME", ""},
    {"tablevar NAME; ILOOKUP(\"C619\", \"SITES.CODE\"); NAME", "Prostate"},
    {"tablevar NAME; ILOOKUP(\" C619\", \"SITES.CODE\"); NAME", ""},
    {"tablevar VAL; RLOOKUP(\"150\", \"RANGES.LO\"); VAL", "a"},
    {"tablevar VAL; RLOOKUP(\"200\", \"RANGES.LO\"); VAL", "b2"},
    {"tablevar VAL; RLOOKUP(\"050\", \"RANGES.LO\"); VAL", ""},
    {"tablevar VAL; RLOOKUP(\"999\", \"RANGES.LO\"); VAL", "c"},
    {"tablevar X; SQLLOOKUP(\"GP\", \"GPNAME,SITELOW\", \"BonesC420\"); X", "1"},
    {"tablevar X; SQLLOOKUP(\"GP\", \"GPNAME, SITELOW\", \"Lung  C340\"); X", "2"},
    {"tablevar X; SQLLOOKUP(\"GP\", \"GPNAME,SITELOW\", \"BonesC420 \"); X", ""},
    {"tablevar X; SQLRANGELOOKUP(\"GP\", \"GPNAME\", \"C\"); X", "1"},
    {"tablevar X; SQLRANGELOOKUP(\"GP\", \"GPNAME\", \"Z\"); X", "2"},
    {"tablevar X; SQLRANGELOOKUP(\"GP\", \"GPNAME\", \"A\"); X", ""},
    {"tablevar name; FUNCTION f() { LOOKUP(\"C500\", \"SITES.CODE\"); } f(); name", "Breast"},
};

static const int_case lookup_int_cases[] = {
    {"LOOKUP(\"C340\", \"SITES.CODE\")", 1},
    {"LOOKUP(\"C34\", \"SITES.CODE\")", 0},
    {"LOOKUP(\"\", \"SITES.CODE\")", 0},
    {"RLOOKUP(\"050\", \"RANGES.LO\")", 0},
    {"RLOOKUP(\"99\", \"RANGES.LO\")", 1},
    {"SQLLOOKUP(\"GP\", \"GPNAME,SITELOW\", \"BonesC420\")", 1},
    {"SQLLOOKUP(\"GP\", \"GPNAME,SITELOW\", \"Bones\")", 0},
    {"SQLRANGELOOKUP(\"GP\", \"GPNAME\", \"A\")", 0},
};

START_TEST(test_lookup_tablevars)
{
    const str_case *c = &lookup_cases[_i];
    crtk_edit_options o = options();
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_msg(eval_opt(c->src, &o, &v, &err) == CRTK_OK, "%s: %s", c->src, err.message);
    ck_assert_int_eq(v.type, CRTK_EDIT_VALUE_STRING);
    ck_assert_msg(strcmp(v.s, c->want) == 0, "%s: got \"%s\", want \"%s\"", c->src, v.s, c->want);
    crtk_edit_value_clear(&v);
}
END_TEST

START_TEST(test_lookup_results)
{
    const int_case *c = &lookup_int_cases[_i];
    crtk_edit_options o = options();
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_msg(eval_opt(c->src, &o, &v, &err) == CRTK_OK, "%s: %s", c->src, err.message);
    ck_assert_msg(v.i == c->want, "%s: got %lld", c->src, v.i);
}
END_TEST

START_TEST(test_lookup_compile_errors)
{
    static const struct {
        const char *src, *msg;
    } cases[] = {
        {"LOOKUP(\"x\", \"NOPE.CODE\")", "unknown table 'NOPE'"},
        {"LOOKUP(\"x\", \"SITES.NOPE\")", "table has no index column \"NOPE\""},
        {"LOOKUP(\"x\", \"SITES\")", "expected a \"TABLE.INDEX\" string literal"},
        {"char t[9]; LOOKUP(\"x\", t)", "expected a \"TABLE.INDEX\" string literal"},
        {"SQLLOOKUP(\"GP\", \"GPNAME,NOPE\", \"x\")", "table has no column in \"GPNAME,NOPE\""},
    };
    crtk_edit_options o = options();

    for (int i = 0; i < NELEM(cases); i++) {
        crtk_edit_value v;
        crtk_error err = CRTK_ERROR_INIT;
        ck_assert_int_eq(eval_opt(cases[i].src, &o, &v, &err), CRTK_EINVALID);
        ck_assert_str_eq(err.message, cases[i].msg);
        ck_assert_int_eq(err.line, 1);
        ck_assert_int_gt(err.column, 0);
    }
}
END_TEST

START_TEST(test_table_api_errors)
{
    crtk_edit_table *t;
    crtk_error err = CRTK_ERROR_INIT;
    const char *row[] = {"a", "b", "c"};

    ck_assert_int_eq(crtk_edit_table_new(&t, "T", &err), CRTK_OK);
    ck_assert_int_eq(crtk_edit_table_add_row(t, row, 1, &err), CRTK_EARG);
    ck_assert_int_eq(crtk_edit_table_add_column(t, "A", &err), CRTK_OK);
    ck_assert_int_eq(crtk_edit_table_add_column(t, "B", &err), CRTK_OK);
    ck_assert_int_eq(crtk_edit_table_add_row(t, row, 3, &err), CRTK_EARG);
    ck_assert_int_eq(crtk_edit_table_add_row(t, row, 1, &err), CRTK_OK);
    ck_assert_int_eq(crtk_edit_table_add_column(t, "C", &err), CRTK_EARG);
    ck_assert_uint_eq(crtk_edit_table_rows(t), 1);
    ck_assert_str_eq(crtk_edit_table_name(t), "T");
    ck_assert_int_eq(crtk_edit_table_index(t, "a, b", &err), CRTK_OK);
    ck_assert_int_eq(crtk_edit_table_index(t, "Z", &err), CRTK_EINVALID);
    ck_assert_int_eq(crtk_edit_table_add_row(t, row, 2, &err), CRTK_EARG);
    crtk_edit_table_free(t);
    crtk_edit_table_free(NULL);
}
END_TEST

/* ---- dump, threads --------------------------------------------------------------------- */

START_TEST(test_dump_lists_instructions)
{
    crtk_edit_options o = options();
    crtk_edit *e = compile(LATERALITY, &o);
    char *text = NULL;

    ck_assert_int_eq(crtk_edit_dump(&text, e), CRTK_OK);
    ck_assert_ptr_nonnull(strstr(text, "CALL"));
    ck_assert_ptr_nonnull(strstr(text, "INLIST/2"));
    ck_assert_ptr_nonnull(
        strstr(text, "slot=")); /* a field operand (LOAD_FIELD, or a fused form) */
    ck_assert_ptr_nonnull(strstr(text, "RETURN"));
    ck_assert_ptr_nonnull(strstr(text, "\"0-5,9\""));
    crtk_free(text);
    crtk_edit_free(e);
}
END_TEST

typedef struct job {
    const crtk_edit *e;
    int fails;
} job;

static const char *thread_value(void *ctx, int slot)
{
    (void)slot;
    return ctx;
}

static void *worker(void *arg)
{
    job *j = arg;
    crtk_edit_state *st;
    crtk_edit_result r;

    if (crtk_edit_state_new(&st) != CRTK_OK)
        return NULL;
    for (int i = 0; i < 2000; i++) {
        char v[2] = {(char)('0' + i % 10), 0};
        if (crtk_edit_run(j->e, st, thread_value, v, &r) != CRTK_OK)
            continue;
        j->fails += r.status == CRTK_EDIT_FAIL;
    }
    crtk_edit_state_free(st);
    return NULL;
}

START_TEST(test_concurrent_runs_share_one_edit)
{
    crtk_edit_options o = options();
    crtk_edit *e = compile(LATERALITY, &o);
    pthread_t th[4];
    job jobs[4];

    for (int i = 0; i < 4; i++) {
        jobs[i].e = e;
        jobs[i].fails = 0;
        ck_assert_int_eq(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].fails, 2000 * 3 / 10); /* 6, 7, 8 fail */
    }
    crtk_edit_free(e);
}
END_TEST

static Suite *edits_run_suite(void)
{
    Suite *s = suite_create("edits_run");
    TCase *tc = tcase_create("run");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_fail_gives_default_message_with_placeholders);
    tcase_add_test(tc, test_field_order_defaults_to_first_reference);
    tcase_add_test(tc, test_higher_placeholder_indexes_win);
    tcase_add_test(tc, test_dc_placeholder);
    tcase_add_loop_test(tc, test_results, 0, NELEM(result_cases));
    tcase_add_test(tc, test_fail_warnings_option);
    tcase_add_test(tc, test_instruction_budget_stops_infinite_loops);
    tcase_add_loop_test(tc, test_lookup_tablevars, 0, NELEM(lookup_cases));
    tcase_add_loop_test(tc, test_lookup_results, 0, NELEM(lookup_int_cases));
    tcase_add_test(tc, test_lookup_compile_errors);
    tcase_add_test(tc, test_table_api_errors);
    tcase_add_test(tc, test_dump_lists_instructions);
    tcase_add_test(tc, test_concurrent_runs_share_one_edit);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(edits_run_suite)
