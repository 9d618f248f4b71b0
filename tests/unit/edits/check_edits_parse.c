/* check_edits_parse.c - parsing and resolving through crtk_edit_compile: accepted forms,
 * and errors with line:col, what was expected and the token found. */
#include "edits_test.h"

static tfield fields[] = {{"Laterality", 1, "1"}, {"Primary Site", 4, "C340"}};
static trecord rec = {fields, 2, {{0}}};

static int compile_src(const char *src, crtk_error *err)
{
    crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit *e = NULL;
    int rc;

    o.resolve = tf_resolve;
    o.resolve_ctx = &rec;
    rc = crtk_edit_compile(&e, "edit.txt", src, strlen(src), &o, err);
    if (rc == CRTK_OK)
        ck_assert_ptr_nonnull(e);
    else
        ck_assert_ptr_null(e);
    crtk_edit_free(e);
    return rc;
}

static const char *const accepted[] = {
    "",
    ";",
    "return PASS;",
    "int a, b; long c; char d[10], e; tablevar NAME;\na = 1; b = a + 2; return a == 1;",
    "if (EMPTY(#S\"Laterality\")) return PASS; else { return FAIL; }",
    "IF (1) { } ELSE IF (2) { ; } else return 1;",
    "while (0) { int k; k = 1; }",
    "if (INLIST(#S\"laterality\", \"0-5,9\")) return PASS; return FAIL;",
    "x = 1; int x; return x;", /* declarations may follow their use */
    "FUNCTION f() { return 1; } f(); return PASS;",
    "f(); return 0;\nFUNCTION f()\n{\n  int local;\n  local = 2;\n}\n",
    "char d[4]; d[0] = 'a'; d[1] = 66; return STRCMP(d, \"aB\") == 0;",
    "return (((1)));",
    "return -(-3) == 3 && !0 && NOT 0 || +1;",
    "/* header */\nint y; /* mid */ y = 2; /* end */",
    "return INLIST(#S\"Primary Site\", \"C000-C809\") AND MATCH(#S\"Primary Site\", \"C{d}*\");",
    "char s[20]; STRCPY(s, \"multi\nline\"); return STRLEN(s) == 9;",
    "int x = 5, y = x + 1; return y;",
};

START_TEST(test_accepts)
{
    crtk_error err = CRTK_ERROR_INIT;
    int rc = compile_src(accepted[_i], &err);

    ck_assert_msg(rc == CRTK_OK, "%s -> %d:%d: %s", accepted[_i], (int)err.line, (int)err.column,
                  err.message);
}
END_TEST

typedef struct perr {
    const char *src;
    int code;
    long line, col;
    const char *msg;
} perr;

static const perr errors[] = {
    {"if (x", CRTK_EPARSE, 1, 6, "expected ')', found end of input"},
    {"if x) return 1;", CRTK_EPARSE, 1, 4, "expected '(' after IF/WHILE, found identifier 'x'"},
    {"return 1", CRTK_EPARSE, 1, 9, "expected ';' after return value, found end of input"},
    {"int x;\nx = ;", CRTK_EPARSE, 2, 5, "expected an expression, found ';'"},
    {"int x;\n\n  x 5;", CRTK_EPARSE, 3, 5, "expected '=' or '(' after identifier, found number 5"},
    {"return 1 2;", CRTK_EPARSE, 1, 10, "expected ';' after return value, found number 2"},
    {"{ return 1;", CRTK_EPARSE, 1, 12, "expected '}', found end of input"},
    {"int ;", CRTK_EPARSE, 1, 5, "expected a variable name, found ';'"},
    {"int a b;", CRTK_EPARSE, 1, 7, "expected ',' or ';' in declaration, found identifier 'b'"},
    {"char d[x];", CRTK_EPARSE, 1, 8, "expected an array size, found identifier 'x'"},
    {"return F(1,;", CRTK_EPARSE, 1, 12, "expected an expression, found ';'"},
    {"return EMPTY(\"a\" \"b\");", CRTK_EPARSE, 1, 18,
     "expected ',' or ')' in argument list, found string \"b\""},
    {"1 + 2;", CRTK_EPARSE, 1, 1, "expected a statement, found an expression"},
    {"if (1) { FUNCTION f() {} }", CRTK_EPARSE, 1, 10,
     "FUNCTION may only be defined at the top level of an edit"},
    {"FUNCTION f(x) {}", CRTK_EPARSE, 1, 12,
     "expected ')' (functions take no parameters), found identifier 'x'"},
    {"#S\"a\" = 1;", CRTK_EPARSE, 1, 1, "left side of '=' must be a variable"},
    {"return IF;", CRTK_EPARSE, 1, 8, "expected an expression, found keyword 'IF'"},
    {"else return 1;", CRTK_EPARSE, 1, 1, "expected an expression, found keyword 'else'"},
    {"return \"unterminated;", CRTK_EPARSE, 1, 8, "unterminated string"},
    /* resolver */
    {"return y;", CRTK_EINVALID, 1, 8, "unknown variable 'y'"},
    {"return EMPTY(#S\"Nope\");", CRTK_EINVALID, 1, 14, "unknown field \"Nope\""},
    {"return FOO(1);", CRTK_EINVALID, 1, 8, "unknown function 'FOO'"},
    {"return externaldll(\"x\");", CRTK_EINVALID, 1, 8, "function EXTERNALDLL is not supported"},
    {"GETFIELD(1);", CRTK_EINVALID, 1, 1, "function GETFIELD is not supported"},
    {"return BINLOOKUP(1, 2);", CRTK_EINVALID, 1, 8, "function BINLOOKUP is not supported"},
    {"BINLOOKUP();", CRTK_EINVALID, 1, 1, "function BINLOOKUP is not supported"},
    {"return INLIST(\"a\");", CRTK_EINVALID, 1, 8, "INLIST expects 2 to 5 arguments, found 1"},
    {"return EMPTY();", CRTK_EINVALID, 1, 8, "EMPTY expects 1 argument, found 0"},
    {"return EMPTY(1);", CRTK_EINVALID, 1, 14,
     "argument 1 of EMPTY must be a string, found an integer"},
    {"return \"a\" + 1;", CRTK_EINVALID, 1, 8, "left operand must be an integer, found a string"},
    {"return \"a\" == \"a\";", CRTK_EINVALID, 1, 12,
     "strings cannot be compared with '=='; use STRCMP"},
    {"return \"x\";", CRTK_EINVALID, 1, 8, "return value must be an integer, found a string"},
    {"int x; STRCPY(x, \"a\");", CRTK_EINVALID, 1, 15,
     "argument 1 of STRCPY must be a char variable"},
    {"int x; x = \"a\";", CRTK_EINVALID, 1, 12,
     "assigned value must be an integer, found a string"},
    {"if (\"a\") return 1;", CRTK_EINVALID, 1, 5, "condition must be an integer, found a string"},
    {"int x; char x[2];", CRTK_EINVALID, 1, 13, "variable 'x' redeclared with another type"},
    {"char d[0];", CRTK_EINVALID, 1, 6, "array size of 'd' must be 1..4096"},
    {"char d[5000];", CRTK_EINVALID, 1, 6, "array size of 'd' must be 1..4096"},
    {"int a[3];", CRTK_EINVALID, 1, 5, "integer arrays are not supported ('a')"},
    {"FUNCTION f() {} FUNCTION F() {}", CRTK_EINVALID, 1, 17, "function 'F' defined twice"},
    {"FUNCTION f() {} f(1);", CRTK_EINVALID, 1, 17, "function 'f' takes no arguments"},
    {"FUNCTION f() {} return f() == 1;", CRTK_EINVALID, 1, 24,
     "left operand must be an integer, found no value"},
    {"return #L\"Local\" == 1;", CRTK_EINVALID, 1, 8,
     "local field references #L\"...\" are not supported"},
};

START_TEST(test_errors)
{
    const perr *c = &errors[_i];
    crtk_error err = CRTK_ERROR_INIT;
    int rc = compile_src(c->src, &err);

    ck_assert_msg(rc == c->code, "%s: rc %d (%s)", c->src, rc, err.message);
    ck_assert_str_eq(err.message, c->msg);
    ck_assert_msg(err.line == c->line && err.column == c->col, "%s: at %ld:%ld, want %ld:%ld",
                  c->src, err.line, err.column, c->line, c->col);
    ck_assert_str_eq(err.source, "edit.txt");
}
END_TEST

START_TEST(test_nesting_limit)
{
    char src[2000];
    crtk_error err = CRTK_ERROR_INIT;
    size_t n = 0;

    n += (size_t)snprintf(src, sizeof src, "return ");
    for (int i = 0; i < 500; i++)
        src[n++] = '(';
    src[n++] = '1';
    src[n] = '\0';
    ck_assert_int_eq(compile_src(src, &err), CRTK_ELIMIT);
    ck_assert_ptr_nonnull(strstr(err.message, "nesting deeper than 200"));
    /* also for statements and unary operators */
    n = 0;
    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(src + n, sizeof src - n, "{");
    ck_assert_int_eq(compile_src(src, &err), CRTK_ELIMIT);
    n = (size_t)snprintf(src, sizeof src, "return ");
    for (int i = 0; i < 500; i++)
        src[n++] = '!';
    src[n++] = '1';
    src[n++] = ';';
    src[n] = '\0';
    ck_assert_int_eq(compile_src(src, &err), CRTK_ELIMIT);
}
END_TEST

START_TEST(test_source_size_limit)
{
    size_t n = CRTK_EDIT_MAX_SOURCE + 1;
    char *src = malloc(n);
    crtk_edit *e = NULL;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_ptr_nonnull(src);
    memset(src, ' ', n);
    ck_assert_int_eq(crtk_edit_compile(&e, "big", src, n, NULL, &err), CRTK_ELIMIT);
    ck_assert_ptr_null(e);
    free(src);
}
END_TEST

START_TEST(test_source_need_not_be_nul_terminated)
{
    const char src[] = {'r', 'e', 't', 'u', 'r', 'n', ' ', '1', ';', '@'};
    crtk_edit *e = NULL;

    ck_assert_int_eq(crtk_edit_compile(&e, "x", src, 9, NULL, NULL), CRTK_OK);
    crtk_edit_free(e);
}
END_TEST

START_TEST(test_eval_needs_a_final_expression)
{
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(eval_opt("int x;", NULL, &v, &err), CRTK_EPARSE);
    ck_assert_str_eq(err.message, "expected a final expression");
    ck_assert_int_eq(eval_opt("", NULL, &v, &err), CRTK_EPARSE);
    ck_assert_int_eq(eval_opt("INLIST(\"05\", \"01-05,09\");", NULL, &v, &err), CRTK_OK);
    ck_assert_int_eq(v.i, 1);
}
END_TEST

static Suite *edits_parse_suite(void)
{
    Suite *s = suite_create("edits_parse");
    TCase *tc = tcase_create("parse");

    tcase_add_loop_test(tc, test_accepts, 0, NELEM(accepted));
    tcase_add_loop_test(tc, test_errors, 0, NELEM(errors));
    tcase_add_test(tc, test_nesting_limit);
    tcase_add_test(tc, test_source_size_limit);
    tcase_add_test(tc, test_source_need_not_be_nul_terminated);
    tcase_add_test(tc, test_eval_needs_a_final_expression);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(edits_parse_suite)
