/* check_edits_lex.c - the tokenizer (internal API): token kinds, case-insensitive keywords
 * and constants, LEFT/RIGHT as functions or constants, literals, comments, positions. */
#include "edits_test.h"
#include "edits/edits_internal.h"

/* Tokenize src into types[] (up to max); returns the count or a negative status. */
static int lex_all(const char *src, enum tok *types, token *toks, int max, crtk_error *err)
{
    lexer lx;
    int n = 0;

    crtk__edits_lex_init(&lx, src, strlen(src), err);
    for (;;) {
        token t;
        int rc = crtk__edits_lex_next(&lx, &t);
        if (rc < 0)
            return rc;
        ck_assert_int_lt(n, max);
        types[n] = t.type;
        if (toks)
            toks[n] = t;
        n++;
        if (t.type == T_EOF)
            return n;
    }
}

START_TEST(test_keywords_are_case_insensitive)
{
    enum tok t[32];
    int n = lex_all("IF if If iF ELSE while Return FUNCTION int LONG Char tablevar and OR not", t,
                    NULL, 32, NULL);
    static const enum tok want[] = {T_IF,     T_IF,       T_IF,  T_IF,   T_ELSE,   T_WHILE,
                                    T_RETURN, T_FUNCTION, T_INT, T_LONG, T_CHARKW, T_TABLEVAR,
                                    T_AND,    T_OR,       T_NOT, T_EOF};

    ck_assert_int_eq(n, NELEM(want));
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(t[i], want[i]);
}
END_TEST

START_TEST(test_constants_and_left_right)
{
    enum tok t[16];
    token k[16];
    int n = lex_all("dt_empty PASS left LEFT(x) RIGHT ( Right short", t, k, 16, NULL);

    ck_assert_int_eq(n, 12);
    ck_assert_int_eq(t[0], T_CONST);
    ck_assert_int_eq(k[0].ival, C_DT_EMPTY);
    ck_assert_int_eq(t[1], T_CONST);
    ck_assert_int_eq(t[2], T_CONST);
    ck_assert_int_eq(k[2].ival, C_LEFT);
    ck_assert_int_eq(t[3], T_IDENT); /* LEFT followed by '(' is the function */
    ck_assert_int_eq(t[4], T_LPAREN);
    ck_assert_int_eq(t[7], T_IDENT); /* blanks before '(' allowed */
    ck_assert_int_eq(t[8], T_LPAREN);
    ck_assert_int_eq(t[9], T_CONST);
    ck_assert_int_eq(k[9].ival, C_RIGHT);
    ck_assert_int_eq(t[10], T_IDENT); /* C keywords such as short are plain names */
    ck_assert_int_eq(t[11], T_EOF);
}
END_TEST

START_TEST(test_operators)
{
    enum tok t[32];
    int n = lex_all("== != <= >= < > = && || ! + - * / % ( ) { } [ ] , ;", t, NULL, 32, NULL);
    static const enum tok want[] = {T_EQ,     T_NE,       T_LE,       T_GE,     T_LT,     T_GT,
                                    T_ASSIGN, T_AND,      T_OR,       T_NOT,    T_PLUS,   T_MINUS,
                                    T_STAR,   T_SLASH,    T_PERCENT,  T_LPAREN, T_RPAREN, T_LBRACE,
                                    T_RBRACE, T_LBRACKET, T_RBRACKET, T_COMMA,  T_SEMI,   T_EOF};

    ck_assert_int_eq(n, NELEM(want));
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(t[i], want[i]);
}
END_TEST

START_TEST(test_literals_and_positions)
{
    enum tok t[16];
    token k[16];
    int n = lex_all("x = 42;\n  #S\"Date of Diagnosis\" #s\"a\" 'A' \"two\nlines\" /* c\n */ y", t,
                    k, 16, NULL);

    ck_assert_int_eq(n, 10);
    ck_assert_int_eq(t[2], T_NUMBER);
    ck_assert_int_eq(k[2].ival, 42);
    ck_assert_int_eq(k[2].line, 1);
    ck_assert_int_eq(k[2].col, 5);
    ck_assert_int_eq(t[4], T_FIELD);
    ck_assert_int_eq(k[4].line, 2);
    ck_assert_int_eq(k[4].col, 3);
    ck_assert_uint_eq(k[4].len, strlen("Date of Diagnosis"));
    ck_assert_int_eq(strncmp(k[4].p, "Date of Diagnosis", k[4].len), 0);
    ck_assert_int_eq(t[5], T_FIELD);
    ck_assert_int_eq(t[6], T_CHAR);
    ck_assert_int_eq(k[6].p[0], 'A');
    ck_assert_int_eq(t[7], T_STRING);
    ck_assert_uint_eq(k[7].len, 9); /* "two\nlines": the parser drops the line break */
    ck_assert_int_eq(t[8], T_IDENT);
    ck_assert_int_eq(k[8].line, 4); /* after a string and a comment spanning lines */
    ck_assert_int_eq(k[8].col, 5);
}
END_TEST

typedef struct lerr {
    const char *src;
    long line, col;
    const char *msg;
} lerr;

static const lerr lex_errors[] = {
    {"x = \"abc", 1, 5, "unterminated string"},
    {"x\n/* never closed", 2, 1, "unterminated comment"},
    {"a @ b", 1, 3, "unexpected character '@'"},
    {"'AB'", 1, 1, "character literal must hold exactly one character"},
    {"''", 1, 1, "character literal must hold exactly one character"},
    {"#X\"a\"", 1, 1, "expected #S\"field name\" after '#'"},
    {"a & b", 1, 3, "expected '&&', found '&'"},
    {"12ab", 1, 1, "malformed number"},
    {"99999999999999999999", 1, 1, "number too large"},
    {"\x01", 1, 1, "unexpected byte 0x01"},
};

START_TEST(test_lex_errors_have_positions)
{
    const lerr *c = &lex_errors[_i];
    enum tok t[16];
    crtk_error err = CRTK_ERROR_INIT;

    ck_assert_int_eq(lex_all(c->src, t, NULL, 16, &err), CRTK_EPARSE);
    ck_assert_int_eq(err.line, c->line);
    ck_assert_int_eq(err.column, c->col);
    ck_assert_str_eq(err.message, c->msg);
}
END_TEST

static Suite *edits_lex_suite(void)
{
    Suite *s = suite_create("edits_lex");
    TCase *tc = tcase_create("lex");

    tcase_add_test(tc, test_keywords_are_case_insensitive);
    tcase_add_test(tc, test_constants_and_left_right);
    tcase_add_test(tc, test_operators);
    tcase_add_test(tc, test_literals_and_positions);
    tcase_add_loop_test(tc, test_lex_errors_have_positions, 0, NELEM(lex_errors));
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(edits_lex_suite)
