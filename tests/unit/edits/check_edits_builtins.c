/* check_edits_builtins.c - the string built-ins, constants and operators, with the example
 * vectors of docs/edits-language.md section 9 (quirks included). */
#include "edits_test.h"

static const int_case int_cases[] = {
    /* constants */
    {"DT_EMPTY", 1073741823},
    {"dt_error", 1879048191},
    {"DT_UNKNOWN", 2147483647},
    {"DT_DAY_EMPTY", 805306367},
    {"DT_MONTH_EMPTY", 536870911},
    {"DT_MIN + DT_MAX * 10 + DT_EXACT * 100", 321},
    {"PASS", 1},
    {"FAIL", 0},
    {"TRUE", 1},
    {"false", 0},
    {"RIGHT", 0},
    {"LEFT", 1},
    {"BOTH", 2},
    {"WARN", 1},
    /* operators; AND and OR share one level, left to right */
    {"1 OR 0 AND 0", 0},
    {"1 || 0 && 0", 0},
    {"0 AND 0 OR 1", 1},
    {"1 or 1 and 0 or 1", 1},
    {"NOT 0", 1},
    {"!5", 0},
    {"NOT(INLIST(\"1\",\"1\")==0)", 1},
    {"2 + 3 * 4", 14},
    {"(2 + 3) * 4", 20},
    {"7 / 2", 3},
    {"-7 / 2", -3},
    {"7 % 3", 1},
    {"-5 + 2", -3},
    {"1 < 2 == 1", 1},
    {"3 >= 3", 1},
    {"3 != 3", 0},
    {"int x; x = 95; int f; f = 11; x==0 or x==95 and f!=11", 0},
    {"int x; x = 0; int f; f = 11; x==0 or x==95 and f!=11", 0},
    {"int x; x = 0; int f; f = 12; x==0 or x==95 and f!=11", 1},
    /* EMPTY */
    {"EMPTY(\"\")", 1},
    {"EMPTY(\"   \")", 1},
    {"EMPTY(\"  .\")", 0},
    /* VAL */
    {"VAL(\" 1 \")", 1},
    {"VAL(\"2abc1\")", 2},
    {"VAL(\"-01\")", -1},
    {"VAL(\"1-\")", 1},
    {"VAL(\"abc1\")", 0},
    {"VAL(\"\")", 0},
    {"VAL(\"  042\")", 42},
    /* STRLEN */
    {"STRLEN(\"ab \")", 3},
    {"STRLEN(\"\")", 0},
    {"char d[10]; STRCPY(d, \"abc\"); STRLEN(d)", 3},
    /* STRCMP */
    {"STRCMP(\"a\", \"b\")", -1},
    {"STRCMP(\"b\", \"a\")", 1},
    {"STRCMP(\"x\", \"x\")", 0},
    {"STRCMP(\"B\", \"a\")", -1},
    {"STRCMP(\" \", \"A\")", -1},
    {"STRCMP(\"ab\", \"abc\")", -1},
    {"STRCMP(\"abc\", \"abd\", 2)", 0},
    {"STRCMP(\"abc\", \"abd\", 3)", -1},
    {"STRCMP(\"ab\", \"abc\", 5)", -1},
    /* AT */
    {"AT(\"GA\", \"AKALGANYTX\", 2)", 3},
    {"AT(\"GA\", \"AKALGANYTX\", 3)", 2},
    {"AT(\"GA\", \"AKALGANYTX\")", 5},
    {"AT(\"GA\", \"AKALGANYTX\", 1)", 5},
    {"AT(\"GA\", \"AKALGANYTX\", 0)", 5},
    {"AT(\"Z\", \"ABC\")", 0},
    {"AT(\"\", \"ABC\")", 0},
    {"AT(\"A\", \"\")", 0},
    {"AT(\"8\", \"89\", 1)", 1},
    {"AT(\"9\", \"89\", 1)", 2},
    {"AT(\"XX.9\", \"XX.8XX.9\", 4)", 2},
    {"AT(\"XX.7\", \"XX.8XX.9\", 4)", 0},
    {"AT(\"9 \", \"89\", 1)", 0},
    {"AT(\"X\", \"ABCDX\", 2)", 3},
    /* JUSTIFIED */
    {"JUSTIFIED(\" a\", LEFT)", 0},
    {"JUSTIFIED(\"a \", LEFT)", 1},
    {"JUSTIFIED(\"a \", RIGHT)", 0},
    {"JUSTIFIED(\" a\", RIGHT)", 1},
    {"JUSTIFIED(\"\", LEFT)", 0},
    {"JUSTIFIED(\"\", RIGHT)", 0},
    /* results of the destination functions */
    {"char d[3]; STRCPY(d, \"a\")", 1},
    /* char arrays, indexing, assignment */
    {"char d[5]; d = \"abcdefg\"; STRLEN(d)", 5},
    {"char d[5]; STRCPY(d, \"abc\"); STRCMP(d[1], \"b\")", 0},
    {"int i; int n; i = 0; n = 0; while (i < 10) { n = n + i; i = i + 1; } n", 45},
    {"int n; n = 5; if (n > 3) n = 1; else n = 2; n", 1},
    {"int n = 4; n * 2", 8},
    {"return 3 + 4;", 7},
    /* fields read as empty values in eval */
    {"EMPTY(#S\"Date of Diagnosis\")", 1},
    {"STRLEN(#s\"Anything\")", 0},
};

START_TEST(test_int_builtins)
{
    const int_case *c = &int_cases[_i];

    ck_assert_msg(eval_int(c->src) == c->want, "%s: got %lld, want %lld", c->src, eval_int(c->src),
                  c->want);
}
END_TEST

static const str_case str_cases[] = {
    /* TRIM, with the GenEDITS RIGHT quirk */
    {"TRIM(\"  a  \", LEFT)", "a  "},
    {"TRIM(\"  a  \", RIGHT)", "  a"},
    {"TRIM(\"  a  \", BOTH)", "a"},
    {"TRIM(\"   \", RIGHT)", " "},
    {"TRIM(\"   \", LEFT)", ""},
    {"TRIM(\"   \", BOTH)", ""},
    {"TRIM(\"\", RIGHT)", ""},
    /* LEFT, RIGHT (functions, not the constants, when followed by '(') */
    {"LEFT(\"abcd\", 2)", "ab"},
    {"LEFT(\"ab\", 5)", "ab"},
    {"LEFT(\"ab\", 0)", ""},
    {"RIGHT(\"abcd\", 2)", "cd"},
    {"RIGHT(\"ab\", 5)", "ab"},
    {"left (\"abcd\", 1)", "a"},
    /* UPPER / LOWER */
    {"UPPER(\"aB1 z\")", "AB1 Z"},
    {"LOWER(\"aB1 Z\")", "ab1 z"},
    /* SUBSTR quirks */
    {"SUBSTR(\"abcdef\", 2, 3)", "bcd"},
    {"SUBSTR(\"abcdef\", 5, 10)", "ef"},
    {"SUBSTR(\"abc  \", 2)", "bc"},
    {"SUBSTR(\"abc\", 3)", "c"},
    {"SUBSTR(\"abc\", 4)", "abc"},
    {"SUBSTR(\"abc\", 9, 2)", "abc"},
    {"SUBSTR(\"abc\", 2, 0)", ""},
    /* STRCPY: truncation to the buffer, n > 0, n < 0 pads with blanks */
    {"char d[5]; STRCPY(d, \"abcdefgh\"); d", "abcde"},
    {"char d[5]; STRCPY(d, \"ab\", -4); d", "ab  "},
    {"char d[5]; STRCPY(d, \"abcdef\", 3); d", "abc"},
    {"char d[5]; STRCPY(d, \"abcdef\", -3); d", "abc"},
    {"char d[5]; STRCPY(d, \"ab\", -9); d", "ab   "},
    {"char d[5]; STRCPY(d, \"abc\"); STRCPY(d, SUBSTR(d, 2)); d", "bc"},
    /* STRCAT */
    {"char d[6]; STRCPY(d, \"ab\"); STRCAT(d, \"cdefgh\"); d", "abcdef"},
    {"char d[6]; STRCPY(d, \"ab\"); STRCAT(d, \"xyz\", 2); d", "abxy"},
    {"char d[6]; STRCPY(d, \"ab\"); STRCAT(d, \"xyz\", 0); d", "ab"},
    {"char d[6]; STRCPY(d, \"ab\"); STRCAT(d, \"xyz\", -1); d", "ab"},
    {"char d[9]; STRCPY(d, \"ab\"); STRCAT(d, d); d", "abab"},
    /* FMTSTR */
    {"char d[9]; FMTSTR(d, \"%-5ld|\", 42); d", "42   |"},
    {"char d[9]; FMTSTR(d, \"%03ld\", 7); d", "007"},
    {"char d[9]; FMTSTR(d, \"%ld\", -5); d", "-5"},
    {"char d[9]; FMTSTR(d, \"a%%b%ld\", 1); d", "a%b1"},
    {"char d[9]; FMTSTR(d, \"%5ld\", 12); d", "   12"},
    {"char d[4]; FMTSTR(d, \"%ld\", 123456); d", "1234"},
    /* literals, constants */
    {"'A'", "A"},
    {"\"ab\ncd\"", "abcd"},
    {"\"a\\b\"", "a\\b"},
    {"DT_TODAY", TEST_TODAY},
    {"char d[3]; d[0] = 'x'; d[1] = 'y'; d", "xy"},
    /* past the end of the string, as in C: the length stays until the gap is filled */
    {"char d[5]; d[2] = 'z'; d", ""},
    {"char d[5]; STRCPY(d, \"AB\"); d[3] = 'D'; d", "AB"},
    {"char d[5]; STRCPY(d, \"AB\"); d[3] = 'D'; d[2] = 'C'; d", "ABCD"},
    {"char d[5]; STRCPY(d, \"ABCD\"); d[1] = 0; d", "A"},
    {"char d[5]; STRCPY(d, \"abcd\"); d[2] = 0; d", "ab"},
};

START_TEST(test_str_builtins)
{
    const str_case *c = &str_cases[_i];
    const char *got = eval_str(c->src);

    ck_assert_msg(strcmp(got, c->want) == 0, "%s: got \"%s\", want \"%s\"", c->src, got, c->want);
}
END_TEST

START_TEST(test_division_by_zero_is_a_runtime_error)
{
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(eval_opt("int z; 1 / z", NULL, &v, &err), CRTK_EINVALID);
    ck_assert_str_eq(err.message, "division by zero");
    ck_assert_int_eq(err.line, 1);
}
END_TEST

START_TEST(test_array_index_out_of_range)
{
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(eval_opt("char d[2]; d[5] = 'x'; 1", NULL, &v, &err), CRTK_EINVALID);
    ck_assert_ptr_nonnull(strstr(err.message, "out of range"));
}
END_TEST

START_TEST(test_string_result_keeps_blanks_and_nul_free_length)
{
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(eval_opt("char d[6]; STRCPY(d, \" a \", -5); d", NULL, &v, &err), CRTK_OK);
    ck_assert_int_eq(v.type, CRTK_EDIT_VALUE_STRING);
    ck_assert_uint_eq(v.len, 5);
    ck_assert_str_eq(v.s, " a   ");
    crtk_edit_value_clear(&v);
    ck_assert_ptr_null(v.s);
}
END_TEST

static Suite *edits_builtins_suite(void)
{
    Suite *s = suite_create("edits_builtins");
    TCase *tc = tcase_create("builtins");

    tcase_add_loop_test(tc, test_int_builtins, 0, NELEM(int_cases));
    tcase_add_loop_test(tc, test_str_builtins, 0, NELEM(str_cases));
    tcase_add_test(tc, test_division_by_zero_is_a_runtime_error);
    tcase_add_test(tc, test_array_index_out_of_range);
    tcase_add_test(tc, test_string_result_keeps_blanks_and_nul_free_length);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(edits_builtins_suite)
