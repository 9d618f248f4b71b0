/* Unit tests of crtk_edit_blank_guard: which edits may be skipped when a field is blank. */
#include "edits/edits_fast.h"
#include "edits_test.h"

static tfield fields[] = {{"A", 2, NULL}, {"B", 3, NULL}, {"C", 1, NULL}};
static trecord rec = {fields, 3, {{0}}};

static int guard_of(const char *src, int *slots)
{
    crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit *e = NULL;
    crtk_error err = CRTK_ERROR_INIT;
    int n;

    o.resolve = tf_resolve;
    o.resolve_ctx = &rec;
    ck_assert_msg(crtk_edit_compile(&e, "g", src, strlen(src), &o, &err) == CRTK_OK, "%s",
                  err.message);
    n = crtk_edit_blank_guard(e, slots, 8);
    crtk_edit_free(e);
    return n;
}

START_TEST(test_guard_found_for_opening_empty_checks)
{
    int s[8];
    ck_assert_int_eq(guard_of("if (EMPTY(#S\"B\")) return PASS; return FAIL;", s), 1);
    ck_assert_int_eq(s[0], 1);
    ck_assert_int_eq(guard_of("int x; if (EMPTY(#S\"A\") || EMPTY(#S\"C\")) { return TRUE; }\n"
                              "x = 1; return FAIL;",
                              s),
                     2);
    ck_assert_int_eq(s[0], 0);
    ck_assert_int_eq(s[1], 2);
    ck_assert_int_eq(guard_of("if (empty(#s\"a\")) return 1; return 0;", s), 1);
}
END_TEST

START_TEST(test_no_guard_when_the_edit_could_do_otherwise)
{
    int s[8];
    /* AND: both must be blank */
    ck_assert_int_eq(guard_of("if (EMPTY(#S\"A\") && EMPTY(#S\"B\")) return PASS; return FAIL;", s),
                     0);
    /* returns FAIL on blank (a required-item edit) */
    ck_assert_int_eq(guard_of("if (EMPTY(#S\"A\")) return FAIL; return PASS;", s), 0);
    /* something runs before the check */
    ck_assert_int_eq(guard_of("SAVE_TEXT(\"x\"); if (EMPTY(#S\"A\")) return PASS; return FAIL;", s),
                     0);
    /* an else branch */
    ck_assert_int_eq(guard_of("if (EMPTY(#S\"A\")) return PASS; else return FAIL; return FAIL;", s),
                     0);
    /* a declaration whose initialiser does something */
    ck_assert_int_eq(
        guard_of("int x = SAVE_TEXT(\"x\"); if (EMPTY(#S\"A\")) return PASS; return FAIL;", s), 0);
    /* NOT EMPTY */
    ck_assert_int_eq(guard_of("if (!EMPTY(#S\"A\")) return PASS; return FAIL;", s), 0);
    /* the then-branch does more than return PASS */
    ck_assert_int_eq(
        guard_of("if (EMPTY(#S\"A\")) { SAVE_TEXT(\"x\"); return PASS; } return FAIL;", s), 0);
}
END_TEST

/* The pure opening of an edit (EMPTY, MATCH and INLIST tests that return PASS) is decided
 * without the VM. The same logic after a statement that is not pure (`z = 0;`) always runs
 * in the VM: on every value both must give the same status and messages. */
static const char *const openings[] = {
    "if (EMPTY(#S\"A\")) return PASS;\n"
    "if (!MATCH(#S\"A\", \"dd\")) return ERROR_TEXT(\"%F1 %V1: 2 digits\");\n"
    "if (INLIST(#S\"A\", \"00-59,98,99\")) return PASS;\n"
    "return ERROR_TEXT(\"%F1 %V1 is not a code\");",
    "if (!EMPTY(#S\"B\")) return PASS; return FAIL;",
    "if (EMPTY(#S\"A\") || EMPTY(#S\"B\")) return PASS;\n"
    "if (INLIST(#S\"B\", \"1-3\") && !MATCH(#S\"A\", \"d,dd\")) return PASS;\n"
    "if (!INLIST(#S\"C\", \"1\")) return FAIL;\n"
    "return SAVE_TEXT(\"C is 1\");",
    "if (INLIST(#S\"A\", \"1,2\") || MATCH(#S\"B\", \"bbb\")) return TRUE;\n"
    "if (EMPTY(#S\"C\")) return ERROR_MSG(77);\n"
    "return PASS;",
};

static const char *const values[] = {NULL, "",   " ",  "1",   "2", "12", "99", "60",
                                     "A1", "5 ", " 5", "123", "9", "0",  "1 1"};

static void run_edit_on(const char *src, crtk_edit_result *r, char *msgs, size_t cap)
{
    crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit *e = NULL;
    crtk_edit_state *st = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    o.resolve = tf_resolve;
    o.resolve_ctx = &rec;
    o.message = tm_message;
    o.today = TEST_TODAY;
    ck_assert_msg(crtk_edit_compile(&e, "p", src, strlen(src), &o, &err) == CRTK_OK, "%s",
                  err.message);
    {
        /* the test is only worth it if the first form has a pure opening and the second not */
        char *dump = NULL;
        ck_assert_int_eq(crtk_edit_dump(&dump, e), CRTK_OK);
        ck_assert_int_eq(strstr(dump, "; pure opening: ") != NULL, strncmp(src, "int z;", 6) != 0);
        free(dump);
    }
    ck_assert_int_eq(crtk_edit_state_new(&st), CRTK_OK);
    ck_assert_int_eq(crtk_edit_run(e, st, tf_value, &rec, r), CRTK_OK);
    msgs[0] = '\0';
    for (size_t i = 0; i < r->nmessages; i++)
        snprintf(msgs + strlen(msgs), cap - strlen(msgs), "%d:%ld:%s|", (int)r->messages[i].type,
                 r->messages[i].number, r->messages[i].text);
    crtk_edit_state_free(st);
    crtk_edit_free(e);
}

START_TEST(test_pure_opening_same_as_vm)
{
    char fast[4096], slow[4096], mf[1024], ms[1024];
    crtk_edit_result rf, rs;
    size_t nv = sizeof values / sizeof values[0];

    for (size_t o = 0; o < sizeof openings / sizeof openings[0]; o++) {
        snprintf(fast, sizeof fast, "%s", openings[o]);
        snprintf(slow, sizeof slow, "int z; z = 0;\n%s", openings[o]);
        for (size_t a = 0; a < nv; a++)
            for (size_t b = 0; b < nv; b++)
                for (size_t c = 0; c < 3; c++) {
                    fields[0].value = values[a];
                    fields[1].value = values[b];
                    fields[2].value = values[c + 2];
                    run_edit_on(fast, &rf, mf, sizeof mf);
                    run_edit_on(slow, &rs, ms, sizeof ms);
                    ck_assert_msg(rf.status == rs.status && !strcmp(mf, ms),
                                  "opening %zu, A=\"%s\" B=\"%s\": %d %s vs %d %s", o,
                                  values[a] ? values[a] : "(none)",
                                  values[b] ? values[b] : "(none)", rf.status, mf, rs.status, ms);
                }
    }
    fields[0].value = fields[1].value = fields[2].value = NULL;
}
END_TEST

/* Fused instructions are charged as the instructions they stand for: an edit that takes N
 * steps fails to run with a budget of N - 1 and runs with N, whichever path it takes. */
static const struct {
    const char *src, *a, *b;
    long steps;
} budget_cases[] = {
    /* LOAD_FIELD CALL JZ PUSH_INT RETURN, both ways */
    {"if (EMPTY(#S\"A\")) return PASS; return FAIL;", NULL, NULL, 5},
    {"if (EMPTY(#S\"A\")) return PASS; return FAIL;", "12", NULL, 5},
    /* LOAD_FIELD PUSH_STR CALL NOT JZ PUSH_INT RETURN, both ways */
    {"if (!INLIST(#S\"A\", \"1,2\")) return FAIL; return PASS;", "1", NULL, 7},
    {"if (!INLIST(#S\"A\", \"1,2\")) return FAIL; return PASS;", "3", NULL, 7},
    /* A blank: LOAD CALL JNZ PUSH JZ PUSH RETURN; neither: LOAD CALL JNZ LOAD CALL JNZ PUSH
     * JUMP JZ PUSH RETURN */
    {"if (EMPTY(#S\"A\") || EMPTY(#S\"B\")) return PASS; return FAIL;", NULL, "1", 7},
    {"if (EMPTY(#S\"A\") || EMPTY(#S\"B\")) return PASS; return FAIL;", "1", "1", 11},
};

START_TEST(test_budget_counts_fused_steps)
{
    for (size_t k = 0; k < sizeof budget_cases / sizeof budget_cases[0]; k++)
        for (long budget = budget_cases[k].steps - 1; budget <= budget_cases[k].steps; budget++) {
            crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;
            crtk_edit *e = NULL;
            crtk_edit_state *st = NULL;
            crtk_edit_result r;
            crtk_error err = CRTK_ERROR_INIT;
            const char *src = budget_cases[k].src;
            fields[0].value = budget_cases[k].a;
            fields[1].value = budget_cases[k].b;
            o.resolve = tf_resolve;
            o.resolve_ctx = &rec;
            o.max_instructions = budget;
            ck_assert_int_eq(crtk_edit_compile(&e, "b", src, strlen(src), &o, &err), CRTK_OK);
            ck_assert_int_eq(crtk_edit_state_new(&st), CRTK_OK);
            ck_assert_int_eq(crtk__edits_run_vm(e, st, tf_value, &rec, &r), CRTK_OK);
            ck_assert_msg((r.status == CRTK_EDIT_ERROR) == (budget < budget_cases[k].steps),
                          "case %zu, budget %ld: status %d", k, budget, r.status);
            crtk_edit_state_free(st);
            crtk_edit_free(e);
        }
    fields[0].value = fields[1].value = NULL;
}
END_TEST

static Suite *edits_guard_suite(void)
{
    Suite *s = suite_create("edits_guard");
    TCase *tc = tcase_create("guard");

    tcase_add_test(tc, test_guard_found_for_opening_empty_checks);
    tcase_add_test(tc, test_no_guard_when_the_edit_could_do_otherwise);
    tcase_add_test(tc, test_pure_opening_same_as_vm);
    tcase_add_test(tc, test_budget_counts_fused_steps);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(edits_guard_suite)
