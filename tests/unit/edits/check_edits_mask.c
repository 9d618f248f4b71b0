/* check_edits_mask.c - MATCH masks (docs section 8) and INLIST (section 9.1). Each case runs
 * twice: with a literal mask (compiled by the resolver) and with the mask in a variable
 * (compiled at run time), which must agree. */
#include "edits_test.h"

typedef struct mcase {
    const char *value, *mask;
    int want;
} mcase;

static const mcase match_cases[] = {
    {"123", "ddd", 1},
    {"12a", "ddd", 0},
    {"12", "ddd", 0},
    {"1234", "ddd", 0},
    {"", "{d}*", 1},
    {"", "d", 0},
    {"", "d*", 1},
    {"12", "{d}*", 1},
    {"AB", "aa", 1},
    {"Ab", "uu", 0},
    {"Ab", "ul", 1},
    {"a1", "xx", 1},
    {"a-", "xx", 0},
    {" ", "b", 1},
    {"x", "b", 0},
    {"x", "@", 1},
    {" ", "@", 0},
    {"~", "?", 1},
    {"2", "1:3", 1},
    {"4", "1:3", 0},
    {"H", "G:P", 1},
    {"Q", "G:P", 0},
    {"341", "{341:9,384,50d}", 1},
    {"349", "{341:9,384,50d}", 1},
    {"384", "{341:9,384,50d}", 1},
    {"507", "{341:9,384,50d}", 1},
    {"340", "{341:9,384,50d}", 0},
    {"3419", "{341:9,384,50d}", 0},
    {"1", "1,b", 1},
    {" ", "1,b", 1},
    {"2", "1,b", 0},
    {"2", "1|2", 1},
    {"3", "1|2", 0},
    {"-", "!-", 1},
    {"d", "!d", 1},
    {"5", "!d", 0},
    {".", "!.", 1},
    {",", "!,", 1},
    {"+", "{+}", 1},
    {"*", "[*]", 1},
    {"*", "{*}", 1},
    {"+", "[+]", 1},
    {"123", "d+", 1},
    {"", "d+", 0},
    {"12", "dd*", 1},
    {"1", "dd*", 1},
    {"  ", "[bb,dd]", 1},
    {"12", "[bb,dd]", 1},
    {"", "[bb,dd]", 0},
    {"2", "1, 2", 1},
    {"2", "{1, 2}", 1},
    {"1", "d  ", 1},
    {"  ", "  ", 1},
    {" ", "  ", 0},
    {" 1", " d", 1},
    {"1", " d", 0},
    {"C(1)", "C(d)", 1},
    {"C34", "C{d}*", 1},
    {"C3A", "C{d}*", 0},
    {"12345", "ddddd,ddddddddd", 1},
    {"123456789", "ddddd,ddddddddd", 1},
    {"123456", "ddddd,ddddddddd", 0},
    {"A1B2C3", "{ad}*", 1},
    {"A1B", "{ad}*", 0},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "{a*}*c", 0},
    {"C809", "C{0:7}dd,C80{0,9}", 1},
    {"C810", "C{0:7}dd,C80{0,9}", 0},
};

START_TEST(test_match_literal_mask)
{
    const mcase *c = &match_cases[_i];
    char src[256];

    snprintf(src, sizeof src, "MATCH(\"%s\", \"%s\")", c->value, c->mask);
    ck_assert_msg(eval_int(src) == c->want, "%s: want %d", src, c->want);
}
END_TEST

START_TEST(test_match_runtime_mask)
{
    const mcase *c = &match_cases[_i];
    char src[256];

    snprintf(src, sizeof src, "char m[64]; STRCPY(m, \"%s\"); MATCH(\"%s\", m)", c->mask, c->value);
    ck_assert_msg(eval_int(src) == c->want, "%s: want %d", src, c->want);
}
END_TEST

static const int_case inlist_cases[] = {
    {"INLIST(\"100\", \"1,10-13,101-111\")", 1},
    {"INLIST(\"2A\", \"1-3\")", 1},
    {"INLIST(\"57A\", \"57-59B\")", 1},
    {"INLIST(\"10\", \"10-9\")", 1},
    {"INLIST(\"2\", \"10-9\")", 1},
    {"INLIST(\"50\", \"10-9\")", 1},
    {"INLIST(\" 1\", \"1\")", 0},
    {"INLIST(\"1 \", \"1\")", 1},
    {"INLIST(\"1\", \"1 , 2\")", 1},
    {"INLIST(\"2\", \" 1 , 2 \")", 1},
    {"INLIST(\"\", \"1\")", 0},
    {"INLIST(\"1\", \"\")", 0},
    {"INLIST(\"  \", \"  \")", 1},
    {"INLIST(\" \", \"  \")", 0},
    {"INLIST(\"1\", \"   \")", 0},
    {"INLIST(\"05\", \"01-05,09\")", 1},
    {"INLIST(\"06\", \"01-05,09\")", 0},
    {"INLIST(\"09\", \"01-05,09\")", 1},
    {"INLIST(\"C80\", \"C000-C809\")", 1},
    {"INLIST(\"C8099\", \"C000-C809\")", 0},
    {"INLIST(\"3\", \"0-5,9\")", 1},
    {"INLIST(\"7\", \"0-5,9\")", 0},
    /* mask forms */
    {"INLIST(\"12\", \"10-20\", \"dd\")", 1},
    {"INLIST(\"1a\", \"10-20\", \"dd\")", 0},
    {"INLIST(\"25\", \"10-20\", \"dd\")", 0},
    {"INLIST(\"  \", \"10-20\", \"bb\")", 1},
    {"INLIST(\"  \", \"10-20\", \"dd\")", 0},
    {"INLIST(\"C341\", \"340-349\", \"C{d}*\", 2, 3)", 1},
    {"INLIST(\"C351\", \"340-349\", \"C{d}*\", 2, 3)", 0},
    {"INLIST(\"C341\", \"340-349\", \"C{d}*\", 5, 3)", 0},
    {"INLIST(\"C341\", \"34\", \"C{d}*\", 2, 2)", 1},
    {"INLIST(\"C341\", \"41\", \"C{d}*\", 3, 9)", 1},
};

START_TEST(test_inlist)
{
    const int_case *c = &inlist_cases[_i];

    ck_assert_msg(eval_int(c->src) == c->want, "%s: want %lld", c->src, c->want);
}
END_TEST

START_TEST(test_inlist_untrimmed_field_value)
{
    /* a 3-wide field holding "1" is "1  ": found after the R-trimmed retry */
    tfield f[] = {{"Code", 3, "1"}};
    trecord r = {f, 1, {{0}}};
    crtk_edit_options o = CRTK_EDIT_OPTIONS_INIT;
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;
    const char *src = "INLIST(#S\"Code\", \"1,2\") * 10 + MATCH(#S\"Code\", \"d\")";

    o.resolve = tf_resolve;
    o.resolve_ctx = &r;
    ck_assert_int_eq(crtk_edits_eval(&v, "t", src, strlen(src), &o, tf_value, &r, &err), CRTK_OK);
    ck_assert_int_eq(v.i, 10);
}
END_TEST

/* A literal list is compiled once (sorted values, ranges); a list in a variable is read as
 * text on every call. Random lists and values: both must give the same answers. */
static unsigned rnd(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (*seed >> 16) & 0x7fff;
}

static void rnd_text(unsigned *seed, char *out, int maxlen, const char *alphabet)
{
    int n = (int)(rnd(seed) % (unsigned)(maxlen + 1));
    size_t na = strlen(alphabet);

    for (int i = 0; i < n; i++)
        out[i] = alphabet[rnd(seed) % na];
    out[n] = '\0';
}

START_TEST(test_inlist_compiled_agrees_with_text)
{
    unsigned seed = 7;
    char src[512], v[8], list[160], term[8];

    for (int iter = 0; iter < 1500; iter++) {
        list[0] = '\0';
        int nt = (int)(rnd(&seed) % 6);
        for (int t = 0; t < nt; t++) {
            rnd_text(&seed, term, 3, "0159AC ");
            strcat(list, term);
            if (rnd(&seed) % 3 == 0) {
                strcat(list, "-");
                rnd_text(&seed, term, 3, "0159AC");
                strcat(list, term);
            }
            if (t + 1 < nt)
                strcat(list, rnd(&seed) % 4 ? "," : " , ");
        }
        rnd_text(&seed, v, 4, "0159AC ");
        snprintf(src, sizeof src,
                 "char l[200]; STRCPY(l, \"%s\"); INLIST(\"%s\", \"%s\") * 2 + INLIST(\"%s\", l)",
                 list, v, list, v);
        long long r = eval_int(src);
        ck_assert_msg(r == 0 || r == 3, "%s: compiled and text lists disagree (%lld)", src, r);
    }
}
END_TEST

/* A mask of plain atoms is matched by a loop; wrapped in a group it goes through the
 * backtracking matcher. Random masks and values: both must agree. */
START_TEST(test_flat_mask_agrees_with_backtracking)
{
    static const char *const atoms[] = {"d", "a", "u", "l",   "x",   "b",  "@",
                                        "?", "1", "A", "1:3", "B:D", "!d", "-"};
    unsigned seed = 11;
    char src[512], v[8], mask[128];

    for (int iter = 0; iter < 1500; iter++) {
        mask[0] = '\0';
        int nalt = 1 + (int)(rnd(&seed) % 3);
        for (int a = 0; a < nalt; a++) {
            int len = (int)(rnd(&seed) % 4);
            for (int i = 0; i < len; i++)
                strcat(mask, atoms[rnd(&seed) % NELEM(atoms)]);
            if (a + 1 < nalt)
                strcat(mask, ",");
        }
        rnd_text(&seed, v, 3, "07aAzBC -");
        snprintf(src, sizeof src, "MATCH(\"%s\", \"%s\") * 2 + MATCH(\"%s\", \"{%s}\")", v, mask, v,
                 mask);
        long long r = eval_int(src);
        ck_assert_msg(r == 0 || r == 3, "%s: flat and backtracking matchers disagree (%lld)", src,
                      r);
    }
}
END_TEST

static Suite *edits_mask_suite(void)
{
    Suite *s = suite_create("edits_mask");
    TCase *tc = tcase_create("mask");

    tcase_add_loop_test(tc, test_match_literal_mask, 0, NELEM(match_cases));
    tcase_add_loop_test(tc, test_match_runtime_mask, 0, NELEM(match_cases));
    tcase_add_loop_test(tc, test_inlist, 0, NELEM(inlist_cases));
    tcase_add_test(tc, test_inlist_untrimmed_field_value);
    tcase_add_test(tc, test_inlist_compiled_agrees_with_text);
    tcase_add_test(tc, test_flat_mask_agrees_with_backtracking);
    suite_add_tcase(s, tc);
    return s;
}

RUN_SUITE(edits_mask_suite)
