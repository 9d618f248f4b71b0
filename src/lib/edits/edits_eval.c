/* edits_eval.c - evaluate a snippet of EDITS ("statements; final-expression") for
 * `crtk edits eval` and for tests. The snippet compiles in eval mode, where expression
 * statements are allowed and the last one becomes the value, then runs once on a fresh state.
 * Without a caller resolver every #S name is accepted and reads as an empty value. */
#include "edits_internal.h"
#include "error_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct anyfields {
    char **names;
    int n;
} anyfields;

static int any_resolve(void *ctx, const char *name, int *width_out)
{
    anyfields *f = ctx;
    char **v;

    *width_out = 0;
    for (int i = 0; i < f->n; i++)
        if (crtk__edits_strieq(name, strlen(name), f->names[i]))
            return i;
    if (f->n >= 10000)
        return -1;
    v = realloc(f->names, (size_t)(f->n + 1) * sizeof *v);
    if (!v)
        return -1;
    f->names = v;
    v[f->n] = malloc(strlen(name) + 1);
    if (!v[f->n])
        return -1;
    memcpy(v[f->n], name, strlen(name) + 1);
    return f->n++;
}

void crtk_edit_value_clear(crtk_edit_value *v)
{
    if (!v)
        return;
    free(v->s);
    memset(v, 0, sizeof *v);
}

int crtk_edits_eval(crtk_edit_value *out,
                    const char *name,
                    const char *source,
                    size_t len,
                    const crtk_edit_options *options,
                    crtk_edit_value_fn value,
                    void *value_ctx,
                    crtk_error *err)
{
    crtk_edit_options opt = CRTK_EDIT_OPTIONS_INIT;
    anyfields any = {NULL, 0};
    crtk_edit *e = NULL;
    crtk_edit_state *st = NULL;
    crtk_edit_result res;
    bool is_str = false;
    int rc;

    if (!out)
        return crtk__fail(err, CRTK_EARG, "no output value");
    memset(out, 0, sizeof *out);
    if (options)
        opt = *options;
    if (!opt.resolve) {
        opt.resolve = any_resolve;
        opt.resolve_ctx = &any;
        value = NULL; /* slots are ours: the caller cannot know them */
    }
    rc = crtk__edits_compile_mode(&e, name ? name : "<source>", source, len, &opt, true, err);
    if (rc < 0)
        goto out;
    rc = crtk_edit_state_new(&st);
    if (rc < 0) {
        rc = crtk__fail(err, rc, "out of memory");
        goto out;
    }
    rc = crtk__edits_exec(e, st, value, value_ctx, &res, &is_str);
    if (rc < 0) {
        rc = crtk__fail(err, rc, "out of memory");
        goto out;
    }
    if (res.status == CRTK_EDIT_ERROR) {
        crtk__error_source(err, name ? name : "<source>");
        bool budget = strcmp(res.error, "instruction budget exceeded") == 0;
        rc = crtk__fail_at(err, budget ? CRTK_ELIMIT : CRTK_EINVALID, res.error_line, 0, NULL, "%s",
                           res.error);
        goto out;
    }
    if (is_str) {
        out->type = CRTK_EDIT_VALUE_STRING;
        out->len = st->result_str.len;
        out->s = malloc(out->len + 1);
        if (!out->s) {
            rc = crtk__fail(err, CRTK_ENOMEM, "out of memory");
            goto out;
        }
        if (out->len)
            memcpy(out->s, st->result_str.s, out->len);
        out->s[out->len] = '\0';
    } else {
        out->type = CRTK_EDIT_VALUE_INT;
        out->i = res.returned;
    }
    rc = CRTK_OK;
out:
    crtk_edit_state_free(st);
    crtk_edit_free(e);
    for (int i = 0; i < any.n; i++)
        free(any.names[i]);
    free(any.names);
    return rc;
}
