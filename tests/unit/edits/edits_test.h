/* edits_test.h - helpers shared by the EDITS unit tests: evaluate a snippet to an integer or
 * a string, a small fake record (field name, width, value) and a message table. */
#ifndef CRTK_EDITS_TEST_H
#define CRTK_EDITS_TEST_H

#include "crtk/edits.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TEST_TODAY "20240615"

typedef struct tfield {
    const char *name;
    int width;
    const char *value; /* padded to width by tf_value */
} tfield;

typedef struct trecord {
    tfield *f;
    int n;
    char buf[16][64];
} trecord;

static inline int tf_resolve(void *ctx, const char *name, int *width)
{
    trecord *r = ctx;

    for (int i = 0; i < r->n; i++)
        if (strcasecmp(name, r->f[i].name) == 0) {
            *width = r->f[i].width;
            return i;
        }
    return -1;
}

static inline const char *tf_value(void *ctx, int slot)
{
    trecord *r = ctx;
    const char *v = r->f[slot].value ? r->f[slot].value : "";
    size_t n = strlen(v);

    memset(r->buf[slot], ' ', sizeof r->buf[slot]);
    memcpy(r->buf[slot], v, n < (size_t)r->f[slot].width ? n : (size_t)r->f[slot].width);
    return r->buf[slot];
}

typedef struct tmsg {
    long number;
    const char *text;
} tmsg;

static const tmsg test_messages[] = {
    {1000, "%F1 is not valid: \"%V1\""},
    {1001, "Conflict among %F1 and %F2"},
    {1002, "%F1 is %DC: \"%V1\""},
    {1003, "%F10|%F1|%V2|%F11"},
    {77, "seventy-seven"},
    {0, NULL},
};

static inline const char *tm_message(void *ctx, long number)
{
    (void)ctx;
    for (int i = 0; test_messages[i].text; i++)
        if (test_messages[i].number == number)
            return test_messages[i].text;
    return NULL;
}

/* Evaluate src with fixed today; returns the status, value in *v. */
static inline int
eval_opt(const char *src, const crtk_edit_options *o, crtk_edit_value *v, crtk_error *err)
{
    crtk_edit_options opt = CRTK_EDIT_OPTIONS_INIT;

    if (o)
        opt = *o;
    if (!opt.today)
        opt.today = TEST_TODAY;
    return crtk_edits_eval(v, "<test>", src, strlen(src), &opt, NULL, NULL, err);
}

static inline long long eval_int(const char *src)
{
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;
    int rc = eval_opt(src, NULL, &v, &err);

    ck_assert_msg(rc == CRTK_OK, "eval %s: %s", src, err.message);
    ck_assert_msg(v.type == CRTK_EDIT_VALUE_INT, "eval %s: not an integer", src);
    return v.i;
}

/* The string value of src, copied into a static buffer. */
static inline const char *eval_str(const char *src)
{
    static char out[8192];
    crtk_edit_value v;
    crtk_error err = CRTK_ERROR_INIT;
    int rc = eval_opt(src, NULL, &v, &err);

    ck_assert_msg(rc == CRTK_OK, "eval %s: %s", src, err.message);
    ck_assert_msg(v.type == CRTK_EDIT_VALUE_STRING, "eval %s: not a string", src);
    ck_assert_uint_lt(v.len, sizeof out);
    memcpy(out, v.s, v.len + 1);
    crtk_edit_value_clear(&v);
    return out;
}

typedef struct int_case {
    const char *src;
    long long want;
} int_case;

typedef struct str_case {
    const char *src;
    const char *want;
} str_case;

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define RUN_SUITE(fn)                                \
    int main(void)                                   \
    {                                                \
        SRunner *sr = srunner_create(fn());          \
        int failed;                                  \
        srunner_run_all(sr, CK_NORMAL);              \
        failed = srunner_ntests_failed(sr);          \
        srunner_free(sr);                            \
        return failed ? EXIT_FAILURE : EXIT_SUCCESS; \
    }

#endif
